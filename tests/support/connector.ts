/**
 * Runs the connector as a user's platform would: a separate process, files for config, catalog
 * and state, protocol lines read from stdout. Every stdout line is checked against the Airbyte
 * protocol's own schema (tests/reference, MIT) before a test sees it.
 */
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const root = join(import.meta.dir, "..", "..");

/** How the connector is started: from source with bun, or as the compiled executable. */
export type Runner = "source" | "binary";

export const runners: Runner[] = process.env.SOURCE_KAFKA_RUNNERS
  ? (process.env.SOURCE_KAFKA_RUNNERS.split(",") as Runner[])
  : ["source", "binary"];

export function command(runner: Runner): string[] {
  return runner === "binary" ? [join(root, "dist", "source-kafka")] : [process.execPath, join(root, "src", "main.ts")];
}

export type Message = { type: string; [key: string]: any };

export type Run = { code: number; messages: Message[]; stdout: string; stderr: string };

const protocol = Bun.YAML.parse(
  await Bun.file(join(root, "tests", "reference", "airbyte_protocol.v0.yaml")).text(),
) as any;
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...protocol, $id: "airbyte" });
const validateMessage = ajv.getSchema("airbyte#/definitions/AirbyteMessage")!;

/** Parses stdout into messages, failing on any line that is not a valid AirbyteMessage. */
export function parseProtocol(stdout: string): Message[] {
  const lines = stdout.split("\n").filter((line) => line.length > 0);
  return lines.map((line) => {
    let message: Message;
    try {
      message = JSON.parse(line);
    } catch {
      throw new Error(`stdout line is not JSON: ${line.slice(0, 200)}`);
    }
    if (!validateMessage(message)) {
      throw new Error(
        `stdout line is not an AirbyteMessage (${ajv.errorsText(validateMessage.errors)}): ${line.slice(0, 300)}`,
      );
    }
    return message;
  });
}

let scratch: string | undefined;

/** Writes `value` as JSON to a fresh temp file and returns its path. */
export function jsonFile(name: string, value: unknown): string {
  scratch ??= mkdtempSync(join(tmpdir(), "source-kafka-test-"));
  const path = join(scratch, `${Date.now()}-${Math.random().toString(36).slice(2)}-${name}`);
  writeFileSync(path, typeof value === "string" ? value : JSON.stringify(value));
  return path;
}

export async function run(
  runner: Runner,
  args: string[],
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<Run> {
  const child = Bun.spawn([...command(runner), ...args], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    env: { ...process.env, ...options.env },
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  clearTimeout(timer);
  return { code, messages: parseProtocol(stdout), stdout, stderr };
}

export const records = (run: Run) => run.messages.filter((m) => m.type === "RECORD").map((m) => m.record);
export const states = (run: Run) => run.messages.filter((m) => m.type === "STATE").map((m) => m.state);
/** The last STATE message (of `stream`, when given): a read's resume point. */
export const lastState = (messages: Message[], stream?: string) =>
  messages
    .filter((m) => m.type === "STATE" && (stream === undefined || m.state.stream.stream_descriptor.name === stream))
    .at(-1);
export const traces = (run: Run, type = "ERROR") =>
  run.messages.filter((m) => m.type === "TRACE" && m.trace.type === type).map((m) => m.trace);

/** A configured catalog reading `topics` incrementally, with optional extension fields. */
export function catalog(topics: string[], extra: Record<string, unknown> = {}) {
  return {
    streams: topics.map((name) => ({
      stream: { name, json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
      sync_mode: "incremental",
      destination_sync_mode: "append",
    })),
    ...extra,
  };
}

/**
 * An expected document with the top-level key fields every document carries, taken from its
 * `_meta` (whose partition and offset the test states).
 */
export const keyed = <T extends { _meta: { partition: number; offset: number } }>(document: T) => ({
  ...document,
  _kafka_partition: document._meta.partition,
  _kafka_offset: document._meta.offset,
});

/** A unique topic name per test, so tests never see each other's data. */
export const uniqueTopic = (prefix: string) =>
  `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 7)}`;

/** Fails with the connector's own words when it did not exit 0. */
export function expectSuccess(result: Run): void {
  if (result.code !== 0)
    throw new Error(`connector exited ${result.code}: ${result.stderr.trim() || result.stdout.slice(-500)}`);
}
