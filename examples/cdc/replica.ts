/**
 * The replica: a table that mirrors a captured table, built from the rows `source-kafka read`
 * emits with `value_envelope: debezium`, and the connector's last STATE, in the same database.
 * A delete (`_meta.op` d) removes the row by its primary key; any other change (c, u, r) writes
 * the row whole. The records a STATE covers and that STATE commit in one transaction, so the
 * replica always matches the exact offsets it was built from, and the next sync resumes there.
 *
 * @example
 *   await applyChanges(sql, { table: "replica.products", key: ["id"] }, lines);
 */
import type { SQL } from "bun";

/** Where the rows go, and the columns that identify a row (the stream's primary key). */
export type Target = { table: string; key: string[] };

type Row = Record<string, unknown> & { _meta: { op: "c" | "u" | "d" | "r" } };

type StateMessage = { type: "STREAM"; stream: { stream_descriptor: { name: string } } };

export async function createStateTable(sql: SQL): Promise<void> {
  await sql`create table if not exists connector_state (stream text primary key, state jsonb not null)`;
}

/** The STATE parts saved by earlier syncs, as the connector's --state takes them. */
export async function savedState(sql: SQL): Promise<unknown[]> {
  const rows: { state: unknown }[] = await sql`select state from connector_state order by stream`;
  return rows.map((row) => row.state);
}

/** The row's own columns: what the connector adds (its `_meta`, Kafka position, Airbyte's CDC columns) is left out. */
function columns(row: Row): Record<string, unknown> {
  const own: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(row)) {
    if (name === "_meta" || name.startsWith("_kafka_") || name.startsWith("_ab_cdc_")) continue;
    own[name] = value;
  }
  return own;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Applies protocol lines: RECORDs wait for the STATE that covers them, then both commit. */
export async function applyChanges(
  sql: SQL,
  target: Target,
  lines: AsyncIterable<string>,
): Promise<{ applied: number; checkpoints: number }> {
  let pending: Row[] = [];
  let applied = 0;
  let checkpoints = 0;
  for await (const line of lines) {
    if (!line) continue;
    const message = JSON.parse(line);
    if (message.type === "RECORD") pending.push(message.record.data as Row);
    if (message.type !== "STATE") continue;
    const state = message.state as StateMessage;
    const rows = pending;
    pending = [];
    await sql.begin(async (tx) => {
      for (const row of rows) {
        // Deleting the row, then writing it whole unless it was deleted: an upsert that needs no column list.
        const match = target.key.map((k, i) => `${quote(k)} = $${i + 1}`).join(" and ");
        await tx.unsafe(
          `delete from ${target.table} where ${match}`,
          target.key.map((k) => row[k]),
        );
        if (row._meta.op === "d") continue;
        const own = Object.entries(columns(row));
        const names = own.map(([name]) => quote(name)).join(", ");
        const values = own.map((_, i) => `$${i + 1}`).join(", ");
        await tx.unsafe(
          `insert into ${target.table} (${names}) values (${values})`,
          own.map(([, value]) => value),
        );
      }
      await tx`insert into connector_state (stream, state) values (${state.stream.stream_descriptor.name}, ${state}::jsonb)
               on conflict (stream) do update set state = excluded.state`;
    });
    applied += rows.length;
    checkpoints++;
  }
  return { applied, checkpoints };
}
