/**
 * Runs `source-kafka read` for one topic from a saved state, and hands its stdout, line by line,
 * to `apply` as it streams: what both examples' syncs do before they load anything.
 *
 * @example
 *   const result = await readFrom({ config: { bootstrap_servers: "127.0.0.1:9092" }, topic: "events", state }, (lines) => load(sql, lines));
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";

export class ConnectorError extends Error {
  override name = "ConnectorError";
}

const root = join(import.meta.dir, "..", "..");

/** The connector from source, with this Bun; `SOURCE_KAFKA` may name the compiled executable. */
const [program, ...programArgs] = process.env.SOURCE_KAFKA
  ? [process.env.SOURCE_KAFKA]
  : [process.execPath, join(root, "src", "main.ts")];

export type ReadRequest = {
  config: Record<string, unknown>;
  topic: string;
  /** The STATE messages saved by the last sync; none for the first. */
  state: unknown[];
};

export async function readFrom<T>(request: ReadRequest, apply: (lines: Interface) => Promise<T>): Promise<T> {
  const work = mkdtempSync(join(tmpdir(), "source-kafka-example-"));
  try {
    const file = (name: string, value: unknown) => {
      writeFileSync(join(work, name), JSON.stringify(value));
      return join(work, name);
    };
    const catalog = {
      streams: [{ stream: { name: request.topic }, sync_mode: "incremental", destination_sync_mode: "append" }],
    };
    const args = ["read", "--config", file("config.json", request.config), "--catalog", file("catalog.json", catalog)];
    if (request.state.length > 0) args.push("--state", file("state.json", request.state));

    const child = spawn(program ?? process.execPath, [...programArgs, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const result = await apply(createInterface({ input: child.stdout, crlfDelay: Infinity })).catch(
      (error: unknown) => {
        child.kill();
        throw error;
      },
    );
    const code = await exited;
    if (code !== 0) throw new ConnectorError(`source-kafka read exited ${code}: ${stderr.trim()}`);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
