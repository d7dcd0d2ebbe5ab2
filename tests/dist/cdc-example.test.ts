/**
 * The change-data-capture example (examples/cdc/): a PostgreSQL table captured by real Debezium
 * into Kafka, synced by `read` into a replica table, each sync a new process resuming from the
 * state saved with the replica. After every round of inserts, updates and deletes the replica must
 * equal the source table row for row.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { sync } from "../../examples/cdc/sync.ts";
import { changeRounds, createTables, products, replicaTarget } from "../../examples/cdc/tables.ts";
import { startPostgres, type Postgres } from "../../examples/read-model/postgres.ts";
import { type Connect, startConnect } from "../../harness/debezium.ts";
import { waitForMessages } from "../../harness/topics.ts";
import { bootstrap } from "../support/broker.ts";
import { uniqueTopic } from "../support/connector.ts";

let pg: Postgres;
let sql: SQL;
let connect: Connect;
let kafka: string;
const prefix = uniqueTopic("shop").replace(/-/g, "_");
const topic = `${prefix}.public.products`;

beforeAll(async () => {
  kafka = await bootstrap();
  pg = await startPostgres({ wal_level: "logical" });
  sql = new SQL(pg.url);
  await createTables(sql);
  connect = await startConnect(kafka, [
    { name: prefix, postgres: pg.url, topicPrefix: prefix, tables: ["public.products"], schemas: true },
  ]);
}, 300_000);

afterAll(async () => {
  await connect?.stop();
  await sql?.close();
  pg?.stop();
});

test("after each round of changes and a sync resumed from the saved state, the replica equals the source table", async () => {
  const applied: number[] = [];
  for (const round of changeRounds) {
    await round.apply(sql);
    await waitForMessages(kafka, topic, round.messagesAfter);
    applied.push((await sync(sql, { bootstrap: kafka, topic, target: replicaTarget })).applied);
    const replica = await products(sql, replicaTarget.table);
    expect(replica).toEqual(await products(sql, "public.products"));
    expect(replica.length).toBeGreaterThan(0);
  }
  // Each sync applied only the changes since the last (tombstones emit nothing): 3 creates; an
  // update, a delete, a create; a create, a delete, a key change (delete and create), an update.
  expect(applied).toEqual([3, 3, 5]);
  expect(await products(sql, replicaTarget.table)).toEqual([
    {
      id: 1,
      name: "kettle",
      price: "21.00",
      in_stock: true,
      added: "2024-01-15",
      updated_at: new Date("2024-03-02T09:30:00Z"),
    },
    { id: 4, name: "tray", price: "12.25", in_stock: false, added: "2024-03-02", updated_at: null },
    { id: 30, name: "mug", price: "6.00", in_stock: false, added: "2024-02-20", updated_at: null },
  ]);
  // Nothing new: the saved state is the end of the topic, tombstones included.
  expect((await sync(sql, { bootstrap: kafka, topic, target: replicaTarget })).applied).toBe(0);
  const [{ state }] = await sql`select state from connector_state where stream = ${topic}`;
  expect(state.stream.stream_state).toEqual({ partitions: { "0": { offset: 14 } } });
}, 180_000);
