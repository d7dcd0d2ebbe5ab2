/**
 * One incremental sync: the state saved in the database goes to the connector's `read` as
 * --state, and its stdout is applied to the read model as it streams.
 *
 * @example
 *   const { applied } = await sync(sql, { bootstrap: "127.0.0.1:9092", topic: "account-events" });
 */
import type { SQL } from "bun";
import { readFrom } from "../shared/read.ts";
import { applyProtocol, createSchema, savedState } from "./loader.ts";

export async function sync(
  sql: SQL,
  options: { bootstrap: string; topic: string },
): Promise<{ applied: number; checkpoints: number }> {
  await createSchema(sql);
  const request = {
    config: { bootstrap_servers: options.bootstrap },
    topic: options.topic,
    state: await savedState(sql),
  };
  return readFrom(request, (lines) => applyProtocol(sql, lines));
}
