/**
 * One incremental sync of a captured table into its replica: the state saved with the replica goes
 * to `source-kafka read --state` with `value_envelope: debezium`, and its output is applied as it
 * streams.
 *
 * @example
 *   await sync(sql, { bootstrap: "127.0.0.1:9092", topic: "shop.public.products", target: { table: "replica.products", key: ["id"] } });
 */
import type { SQL } from "bun";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { applyChanges, createStateTable, savedState, type Target } from "./replica.ts";

export class ConnectorError extends Error {
  override name = "ConnectorError";
}

const root = join(import.meta.dir, "..", "..");

/** The connector from source, with this Bun; `SOURCE_KAFKA` may name the compiled executable. */
const [program, ...programArgs] = process.env.SOURCE_KAFKA
  ? [process.env.SOURCE_KAFKA]
  : [process.execPath, join(root, "src", "main.ts")];

export async function sync(
  sql: SQL,
  options: { bootstrap: string; topic: string; target: Target },
): Promise<{ applied: number; checkpoints: number }> {
  await createStateTable(sql);
  const work = mkdtempSync(join(tmpdir(), "cdc-example-"));
  try {
    const config = join(work, "config.json");
    const catalog = join(work, "catalog.json");
    writeFileSync(config, JSON.stringify({ bootstrap_servers: options.bootstrap, value_envelope: "debezium" }));
    writeFileSync(
      catalog,
      JSON.stringify({ streams: [{ stream: { name: options.topic }, sync_mode: "incremental" }] }),
    );
    const args = ["read", "--config", config, "--catalog", catalog];
    const state = await savedState(sql);
    if (state.length > 0) {
      writeFileSync(join(work, "state.json"), JSON.stringify(state));
      args.push("--state", join(work, "state.json"));
    }
    const child = spawn(program ?? process.execPath, [...programArgs, ...args], { stdio: ["ignore", "pipe", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on("close", resolve));
    const lines = createInterface({ input: child.stdout, crlfDelay: Infinity });
    const result = await applyChanges(sql, options.target, lines).catch((error: unknown) => {
      child.kill();
      throw error;
    });
    const code = await exited;
    if (code !== 0) throw new ConnectorError(`source-kafka read exited ${code}: ${stderr.trim()}`);
    return result;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
