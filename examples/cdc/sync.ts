/**
 * One incremental sync of a captured table into its replica: the state saved with the replica goes
 * to `source-kafka read --state` with `value_envelope: debezium`, and its output is applied as it
 * streams.
 *
 * @example
 *   await sync(sql, { bootstrap: "127.0.0.1:9092", topic: "shop.public.products", target: { table: "replica.products", key: ["id"] } });
 */
import type { SQL } from "bun";
import { readFrom } from "../shared/read.ts";
import { applyChanges, createStateTable, savedState, type Target } from "./replica.ts";

export async function sync(
  sql: SQL,
  options: { bootstrap: string; topic: string; target: Target },
): Promise<{ applied: number; checkpoints: number }> {
  await createStateTable(sql);
  const config = { bootstrap_servers: options.bootstrap, value_envelope: "debezium" };
  const request = { config, topic: options.topic, state: await savedState(sql) };
  return readFrom(request, (lines) => applyChanges(sql, options.target, lines));
}
