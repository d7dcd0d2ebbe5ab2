/**
 * Deletes reaching PyAirbyte from real Debezium change events (examples/cdc/'s tables and rounds):
 * PyAirbyte's DuckDB cache merges each sync on the primary key discover gives (the row key) and
 * keeps deleted rows with `_ab_cdc_deleted_at` set; the latest version of each key that is not
 * deleted — the query docs/cdc.md gives — equals the source table after every sync.
 */
import { SQL } from "bun";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { changeRounds, createTables, products } from "../../examples/cdc/tables.ts";
import { startPostgres, type Postgres } from "../../examples/read-model/postgres.ts";
import { type Connect, startConnect } from "../../harness/debezium.ts";
import { waitForMessages } from "../../harness/topics.ts";
import { airbyteScripts as here, executable, runPython } from "./airbyte/python.ts";
import { bootstrap } from "../support/broker.ts";
import { jsonFile, uniqueTopic } from "../support/connector.ts";

let broker: string;
let pg: Postgres;
let sql: SQL;
let connect: Connect;
const prefix = uniqueTopic("pyshop").replace(/-/g, "_");
const topic = `${prefix}.public.products`;

beforeAll(async () => {
  broker = await bootstrap();
  pg = await startPostgres({ wal_level: "logical" });
  sql = new SQL(pg.url);
  await createTables(sql);
  connect = await startConnect(broker, [
    { name: prefix, postgres: pg.url, topicPrefix: prefix, tables: ["public.products"], schemas: true },
  ]);
}, 900_000);

afterAll(async () => {
  await connect?.stop();
  await sql?.close();
  pg?.stop();
});

const columns = ["id", "name", "price", "in_stock", "added", "_ab_cdc_deleted_at"];

/** One PyAirbyte sync into the DuckDB file `db`: the stream's rows as text, ordered by partition and offset. */
async function pyairbyteSync(db: string): Promise<(string | null)[][]> {
  const out = jsonFile("sync-result.json", "");
  const request = {
    executable,
    config: { bootstrap_servers: broker, value_envelope: "debezium" },
    streams: [topic],
    columns: { [topic]: columns },
    cache: { kind: "duckdb", path: db },
    out,
  };
  const { stderr, code } = await runPython([join(here, "pyairbyte_sync.py"), jsonFile("sync-request.json", request)]);
  if (code !== 0) throw new Error(`pyairbyte_sync.py exited ${code}:\n${stderr.slice(-4000)}`);
  return JSON.parse(readFileSync(out, "utf8")).tables[topic].rows;
}

test("PyAirbyte keeps deleted rows marked by _ab_cdc_deleted_at; the latest undeleted version of each key is the source table", async () => {
  const db = join(mkdtempSync(join(tmpdir(), "source-kafka-cdc-duckdb-")), "cache.duckdb");
  for (const round of changeRounds) {
    await round.apply(sql);
    await waitForMessages(broker, topic, round.messagesAfter);
    const rows = await pyairbyteSync(db);
    // [partition, offset, id, name, price, in_stock, added, _ab_cdc_deleted_at], ordered by offset (one partition).
    const latest = new Map<string, (string | null)[]>();
    for (const row of rows) latest.set(String(row[2]), row);
    const current = [...latest.values()]
      .filter((row) => row[7] === null)
      // A number column in PyAirbyte's caches is DECIMAL(38, 9): "21.000000000".
      .map(([, , id, name, price, inStock, added]) => ({
        id: Number(id),
        name,
        price: Number(price).toFixed(2),
        in_stock: inStock === "true",
        added,
      }))
      .sort((a, b) => a.id - b.id);
    const source = (await products(sql, "public.products")).map(({ updated_at, ...row }) => row);
    expect(current).toEqual(source as typeof current);
  }
  // After the last sync: the deleted teapot (2) and saucer (5) and the mug's old key (3) remain, marked.
  const rows = await pyairbyteSync(db);
  const deleted = rows.filter((row) => row[7] !== null).map((row) => Number(row[2]));
  expect(deleted.sort((a, b) => a - b)).toEqual([2, 3, 5]);
}, 600_000);
