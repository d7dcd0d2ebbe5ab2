/**
 * source-kafka: the Airbyte protocol's four commands over Kafka. Every failure ends here: it
 * becomes one line on stderr, a TRACE error on stdout with the failure type of its class, and a
 * non-zero exit — never a stack trace for the user's mistakes. It also owns SIGTERM and SIGINT,
 * from its first moment: each command decides what a signal ends (stop-signal.ts).
 */
// First: it must run before the Kafka client library is loaded (see the file).
import "./kafka/lazy-validators.ts";
import { stripVTControlCharacters } from "node:util";
import { defineCommand, renderUsage, runCommand } from "citty";
import { ConfigError, failureType, oneLine } from "./errors.ts";
import { stderrLog } from "./log.ts";
import { errorTraceMessage } from "./protocol/messages.ts";
import { emit, flush } from "./protocol/output.ts";
import { StopSignal } from "./stop-signal.ts";
import { commit, version } from "./version.ts";

const stop = new StopSignal();

const configArg = { config: { type: "string", description: "Path to the config JSON file", required: true } } as const;
const quietArg = {
  quiet: { type: "boolean", description: "No status or progress line on a terminal's stderr" },
} as const;

// Each command's module is loaded when it runs: `read` never needs discover's schema decoders
// (Avro, Protobuf), which would cost the process memory for nothing.
const main = defineCommand({
  meta: {
    name: "source-kafka",
    version,
    description: "Capture Kafka topics as Airbyte protocol records and checkpoints",
  },
  subCommands: {
    spec: defineCommand({
      meta: { name: "spec", description: "Print the connector's specification" },
      run: async () => (await import("./commands/spec.ts")).spec(),
    }),
    check: defineCommand({
      meta: { name: "check", description: "Check that the config can reach the cluster" },
      args: { ...configArg, ...quietArg },
      // check and discover have nothing to hand over when stopped: a signal ends them at once.
      run: async ({ args }) => {
        const { check } = await import("./commands/check.ts");
        await stop.race(
          check(args.config, { quiet: args.quiet }),
          () => `check stopped by ${stop.name} before it finished; the connection was not judged`,
        );
      },
    }),
    discover: defineCommand({
      meta: { name: "discover", description: "List the topics as streams" },
      args: { ...configArg, ...quietArg },
      run: async ({ args }) => {
        const { discover } = await import("./commands/discover.ts");
        await stop.race(
          discover(args.config, { quiet: args.quiet }),
          () => `discover stopped by ${stop.name} before the catalog was complete; no CATALOG was written`,
        );
      },
    }),
    read: defineCommand({
      meta: { name: "read", description: "Read the catalog's topics from the given state" },
      args: {
        ...configArg,
        catalog: { type: "string", description: "Path to the configured catalog JSON file", required: true },
        state: { type: "string", description: "Path to a state JSON file (STATE messages this connector wrote)" },
        range: {
          type: "string",
          description: "BEGIN-END, 8 hex digits each: read only partitions whose hash is in it",
        },
        shard: {
          type: "string",
          description:
            "INDEX/COUNT: read the range of copy INDEX of COUNT copies that split the partitions (also SOURCE_KAFKA_SHARD)",
        },
        "shard-count": {
          type: "string",
          description: "COUNT, with this copy's index from JOB_COMPLETION_INDEX (also SOURCE_KAFKA_SHARD_COUNT)",
        },
        tail: { type: "boolean", description: "Keep reading at the end of the log until SIGTERM or SIGINT" },
        metrics: {
          type: "string",
          description:
            "HOST:PORT: serve Prometheus metrics (/metrics) and probes (/healthz, /readyz) while reading, e.g. :9464 (also SOURCE_KAFKA_METRICS, or metrics_address in the config)",
        },
        ...quietArg,
      },
      run: async ({ args }) =>
        (await import("./commands/read.ts")).read(
          {
            config: args.config,
            catalog: args.catalog,
            state: args.state,
            range: args.range,
            shard: args.shard,
            shardCount: args["shard-count"],
            tail: args.tail,
            metrics: args.metrics,
            quiet: args.quiet,
          },
          stop,
        ),
    }),
  },
});

async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${await usage(main)}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    process.stdout.write(`source-kafka ${version} (${commit})\n`);
    return 0;
  }
  const name = argv[0] ?? "";
  const command = (main.subCommands as Record<string, unknown>)[name];
  if (!command)
    throw new ConfigError(`unknown command ${JSON.stringify(name.slice(0, 40))}; use spec, check, discover or read`);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${await usage(command as typeof main, main)}\n`);
    return 0;
  }
  await runCommand(main, { rawArgs: argv });
  return 0;
}

/**
 * citty colours its help unless NO_COLOR=1, TEST or CI is set, whatever stdout is: keep colour for
 * a terminal only, and honour NO_COLOR with any value (no-color.org), so that piped help is text.
 */
async function usage(command: typeof main, parent?: typeof main): Promise<string> {
  const text = await renderUsage(command, parent);
  return process.stdout.isTTY && !process.env.NO_COLOR ? text : stripVTControlCharacters(text);
}

async function fail(error: unknown): Promise<number> {
  const type = failureType(error);
  const message = type === "system_error" ? `internal error: ${oneLine(error)}` : oneLine(error);
  const log = await stderrLog();
  log.error(message);
  if (type === "system_error" && process.env.SOURCE_KAFKA_DEBUG) log.error(error);
  await emit(errorTraceMessage(type, message));
  await flush();
  return 1;
}

const code = await run(process.argv.slice(2)).catch((error: unknown) => fail(asUsageError(error)));
process.exit(code);

/**
 * citty reports a usage mistake (a missing or invalid argument, an unknown command) as its own
 * CLIError, which it does not export: it is told apart by its name and code, not its wording.
 */
function asUsageError(error: unknown): unknown {
  const usage =
    error instanceof Error && error.name === "CLIError" && typeof (error as { code?: unknown }).code === "string";
  return usage ? new ConfigError(error.message, { cause: error }) : error;
}
