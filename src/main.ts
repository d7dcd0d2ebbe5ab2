/**
 * source-kafka: the Airbyte protocol's four commands over Kafka. Every failure ends here: it
 * becomes one line on stderr, a TRACE error on stdout with the failure type of its class, and a
 * non-zero exit — never a stack trace for the user's mistakes. It also owns SIGTERM and SIGINT,
 * from its first moment: each command decides what a signal ends (stop-signal.ts).
 */
import { defineCommand, renderUsage, runCommand } from "citty";
import { ConfigError, failureType, oneLine } from "./errors.ts";
import { console } from "./log.ts";
import { errorTraceMessage } from "./protocol/messages.ts";
import { emit, flush } from "./protocol/output.ts";
import { StopSignal } from "./stop-signal.ts";
import { commit, version } from "./version.ts";

const stop = new StopSignal();

const configArg = { config: { type: "string", description: "Path to the config JSON file", required: true } } as const;

// Each command's module is loaded when it runs: `read` never needs discover's schema decoders
// (Avro, Protobuf), which would cost the process memory for nothing.
const main = defineCommand({
  meta: { name: "source-kafka", version, description: "Capture Kafka topics as Airbyte protocol records and checkpoints" },
  subCommands: {
    spec: defineCommand({ meta: { description: "Print the connector's specification" }, run: async () => (await import("./commands/spec.ts")).spec() }),
    check: defineCommand({
      meta: { description: "Check that the config can reach the cluster" },
      args: configArg,
      // check and discover have nothing to hand over when stopped: a signal ends them at once.
      run: async ({ args }) => {
        const { check } = await import("./commands/check.ts");
        await stop.race(check(args.config), () => `check stopped by ${stop.name} before it finished; the connection was not judged`);
      },
    }),
    discover: defineCommand({
      meta: { description: "List the topics as streams" },
      args: configArg,
      run: async ({ args }) => {
        const { discover } = await import("./commands/discover.ts");
        await stop.race(discover(args.config), () => `discover stopped by ${stop.name} before the catalog was complete; no CATALOG was written`);
      },
    }),
    read: defineCommand({
      meta: { description: "Read the catalog's topics from the given state" },
      args: {
        ...configArg,
        catalog: { type: "string", description: "Path to the configured catalog JSON file", required: true },
        state: { type: "string", description: "Path to a state JSON file (STATE messages this connector wrote)" },
        range: { type: "string", description: "BEGIN-END, 8 hex digits each: read only partitions whose hash is in it" },
        tail: { type: "boolean", description: "Keep reading at the end of the log until SIGTERM or SIGINT" },
      },
      run: async ({ args }) =>
        (await import("./commands/read.ts")).read({ config: args.config, catalog: args.catalog, state: args.state, range: args.range, tail: args.tail }, stop),
    }),
  },
});

async function run(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === "--help" || argv[0] === "-h") {
    process.stdout.write(`${await renderUsage(main)}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === "--version" || argv[0] === "-v") {
    process.stdout.write(`source-kafka ${version} (${commit})\n`);
    return 0;
  }
  const command = (main.subCommands as Record<string, unknown>)[argv[0]];
  if (!command) throw new ConfigError(`unknown command ${JSON.stringify(argv[0].slice(0, 40))}; use spec, check, discover or read`);
  if (argv.includes("--help") || argv.includes("-h")) {
    process.stdout.write(`${await renderUsage(command as typeof main, main)}\n`);
    return 0;
  }
  await runCommand(main, { rawArgs: argv });
  return 0;
}

async function fail(error: unknown): Promise<number> {
  const type = failureType(error);
  const message = type === "system_error" ? `internal error: ${oneLine(error)}` : oneLine(error);
  console.error(message);
  if (type === "system_error" && process.env.SOURCE_KAFKA_DEBUG) console.error(error);
  await emit(errorTraceMessage(type, message));
  await flush();
  return 1;
}

const code = await run(process.argv.slice(2)).catch((error: unknown) => fail(asUsageError(error)));
process.exit(code);

/** citty reports a missing required flag as its own error; it is the user's mistake. */
function asUsageError(error: unknown): unknown {
  if (error instanceof Error && /Missing required argument|Unknown command|required/i.test(error.message) && !(error instanceof ConfigError)) {
    if ((error as { code?: string }).code?.startsWith("E_") || /argument/i.test(error.message)) return new ConfigError(error.message);
  }
  return error;
}
