/**
 * Debezium change events become rows, with real Debezium output: a PostgreSQL table (wal_level
 * logical) → Kafka Connect with Debezium's PostgreSQL connector (harness/debezium.ts) → the test
 * broker, once with the JSON converter's schemas and once without; Connect starts once for the file.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { SQL } from "bun";
import { type Postgres, startPostgres } from "../../examples/read-model/postgres.ts";
import { type Connect, startConnect } from "../../harness/debezium.ts";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  records,
  run,
  runners,
  states,
  traces,
  uniqueTopic,
  type Run,
  type Runner,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { waitForMessages } from "../../harness/topics.ts";

let broker: string;
let pg: Postgres;
let sql: SQL;
let connect: Connect;
// Topics are sampled in name order within discover's time budget: names that sort first are
// sampled however many topics the other tests left on the broker.
const prefix = `0${uniqueTopic("cdc").replace(/-/g, "_")}`;
const withSchemas = `${prefix}_s.public.items`;
const bare = `${prefix}_n.public.items`;

const messages = (topic: string, count: number) => waitForMessages(broker, topic, count);

beforeAll(async () => {
  broker = await bootstrap();
  pg = await startPostgres({ wal_level: "logical" });
  sql = new SQL(pg.url);
  await sql`create table items (id int primary key, name text not null, price numeric(10,2), qty numeric,
    born date, at timestamp, atz timestamptz, t time, doc jsonb, u uuid, big bigint, flag boolean)`;
  // Deletes carry the whole old row in `before`, not only the key.
  await sql`alter table items replica identity full`;
  await sql`insert into items values (1, 'one', 12.34, 5.5, '2024-02-29', '2024-01-02 03:04:05.123456',
    '2024-01-02 03:04:05+02', '13:14:15.5', '{"a": [1, 2]}', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', 9007199254740993, true)`;
  connect = await startConnect(broker, [
    { name: `${prefix}_s`, postgres: pg.url, topicPrefix: `${prefix}_s`, tables: ["public.items"], schemas: true },
    { name: `${prefix}_n`, postgres: pg.url, topicPrefix: `${prefix}_n`, tables: ["public.items"], schemas: false },
  ]);
  // The snapshot (op r) first, then the stream of changes: an insert, an update, a delete and its tombstone.
  await messages(withSchemas, 1);
  await messages(bare, 1);
  await sql`insert into items (id, name) values (2, 'two')`;
  await sql`update items set name = 'uno' where id = 1`;
  await sql`delete from items where id = 2`;
  await messages(withSchemas, 5);
  await messages(bare, 5);
}, 180_000);

afterAll(async () => {
  await connect?.stop();
  await sql?.close();
  pg?.stop();
});

function read(runner: Runner, config: object, streams: object, state?: Run) {
  return run(runner, [
    "read",
    "--config",
    jsonFile("config.json", { bootstrap_servers: broker, ...config }),
    "--catalog",
    jsonFile("catalog.json", streams),
    ...(state
      ? [
          "--state",
          jsonFile(
            "state.json",
            states(state).map((s) => ({ type: "STATE", state: s })),
          ),
        ]
      : []),
  ]);
}

const source = (topicPrefix: string) => ({
  connector: "postgresql",
  name: topicPrefix,
  db: "postgres",
  schema: "public",
  table: "items",
});

/** Columns Debezium's clock and PostgreSQL's log positions decide: checked against each other, then set aside. */
function withoutCdcPositions(result: Run, topicPrefix: string) {
  return records(result).map(({ data }) => {
    const { _ab_cdc_lsn, _ab_cdc_updated_at, _ab_cdc_deleted_at, _meta, ...row } = data;
    const { source: where, timestamp, headers, ...meta } = _meta;
    expect(where).toMatchObject(source(topicPrefix));
    expect(_ab_cdc_lsn).toBe(where.lsn);
    expect(typeof where.txId).toBe("number");
    expect(_ab_cdc_updated_at).toBe(new Date(where.ts_ms).toISOString());
    expect(_ab_cdc_deleted_at).toBe(meta.op === "d" ? _ab_cdc_updated_at : null);
    expect(timestamp).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(headers.map((h: { key: string }) => h.key)).toContain("__debezium.context.connectorLogicalName");
    return { ...row, _meta: meta };
  });
}

const meta = (topic: string, offset: number, id: number, op: string) => ({
  topic,
  partition: 0,
  offset,
  timestamp_type: "create_time",
  key: { id },
  key_encoding: "json",
  value_encoding: "json",
  op,
});

const nulls = {
  price: null,
  qty: null,
  born: null,
  at: null,
  atz: null,
  t: null,
  doc: null,
  u: null,
  big: null,
  flag: null,
};

describe.each(runners)("Debezium change events (%s)", (runner) => {
  test("with the JSON converter's schemas, each change is its row with its types' meaning; the tombstone is skipped but checkpointed", async () => {
    const result = await read(runner, { value_envelope: "debezium" }, catalog([withSchemas]));
    expectSuccess(result);
    const one = {
      id: 1,
      name: "one",
      price: 12.34,
      qty: "5.5",
      born: "2024-02-29",
      at: "2024-01-02T03:04:05.123456",
      atz: "2024-01-02T01:04:05.000000Z",
      t: "13:14:15.500000",
      doc: { a: [1, 2] },
      u: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      big: 9007199254740992, // JSON.parse's reading of 9007199254740993, which stdout holds exactly (below)
      flag: true,
    };
    const two = { id: 2, name: "two", ...nulls };
    const at = (offset: number) => ({ _kafka_partition: 0, _kafka_offset: offset });
    expect(withoutCdcPositions(result, `${prefix}_s`)).toEqual([
      { ...one, ...at(0), _meta: meta(withSchemas, 0, 1, "r") },
      { ...two, ...at(1), _meta: meta(withSchemas, 1, 2, "c") },
      { ...one, name: "uno", ...at(2), _meta: meta(withSchemas, 2, 1, "u") },
      { ...two, ...at(3), _meta: meta(withSchemas, 3, 2, "d") },
    ]);
    expect(result.stdout).toContain('"big":9007199254740993,');
    expect(states(result).at(-1).stream.stream_state).toEqual({ partitions: { "0": { offset: 5 } } });
  });

  test("without schemas (bare payloads), a stream's value_envelope overrides the config's; values are as Debezium wrote them", async () => {
    const streams = catalog([bare]);
    streams.streams[0] = { ...streams.streams[0]!, value_envelope: "debezium" } as (typeof streams.streams)[0];
    const result = await read(runner, {}, streams);
    expectSuccess(result);
    const one = {
      id: 1,
      name: "one",
      price: "BNI=",
      qty: { scale: 1, value: "Nw==" },
      born: 19782,
      at: 1704164645123456,
      atz: "2024-01-02T01:04:05.000000Z",
      t: 47655500000,
      doc: '{"a": [1, 2]}',
      u: "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
      big: 9007199254740992,
      flag: true,
    };
    const two = { id: 2, name: "two", ...nulls };
    const at = (offset: number) => ({ _kafka_partition: 0, _kafka_offset: offset });
    expect(withoutCdcPositions(result, `${prefix}_n`)).toEqual([
      { ...one, ...at(0), _meta: meta(bare, 0, 1, "r") },
      { ...two, ...at(1), _meta: meta(bare, 1, 2, "c") },
      { ...one, name: "uno", ...at(2), _meta: meta(bare, 2, 1, "u") },
      { ...two, ...at(3), _meta: meta(bare, 3, 2, "d") },
    ]);
    expect(result.stdout).toContain('"big":9007199254740993,');
  });

  test("a stream's value_envelope none overrides the config's debezium: envelopes and tombstones as they are", async () => {
    const streams = catalog([bare]);
    streams.streams[0] = { ...streams.streams[0]!, value_envelope: "none" } as (typeof streams.streams)[0];
    const result = await read(runner, { value_envelope: "debezium" }, streams);
    expectSuccess(result);
    expect(records(result).map(({ data }) => [data._kafka_offset, data._meta.op, data.op ?? null])).toEqual([
      [0, "c", "r"],
      [1, "c", "c"],
      [2, "c", "u"],
      [3, "c", "d"],
      [4, "d", null],
    ]);
  });

  test("a message that is no change event fails the read naming where it is, or is emitted raw under emit_raw", async () => {
    const topic = uniqueTopic("cdc-not-envelope");
    await createTopic(broker, topic, 1);
    await produce(broker, topic, [{ partition: 0, key: '{"id":7}', value: '{"id":7,"name":"plain"}' }]);
    const failed = await read(runner, { value_envelope: "debezium" }, catalog([topic]));
    expect(failed.code).not.toBe(0);
    const [error] = traces(failed);
    expect(error.error.failure_type).toBe("config_error");
    expect(error.error.message).toBe(
      `value of ${topic} partition 0 offset 0 is not a Debezium change event (an object with op, before and after); ` +
        "set on_decode_error to emit_raw to emit such messages as base64, or value_envelope to none for this stream",
    );
    const raw = await read(runner, { value_envelope: "debezium", on_decode_error: "emit_raw" }, catalog([topic]));
    expectSuccess(raw);
    expect(records(raw).map((r) => ({ value: r.data.value, error: r.data._meta.decode_error }))).toEqual([
      {
        value: Buffer.from('{"id":7,"name":"plain"}').toString("base64"),
        error: `value of ${topic} partition 0 offset 0 is not a Debezium change event (an object with op, before and after)`,
      },
    ]);
  });
});

test("discover describes each table's columns with their meaning, keyed by the row key, and the rows read validate against it", async () => {
  const discovered = await run(runners[0]!, [
    "discover",
    "--config",
    jsonFile("config.json", { bootstrap_servers: broker, value_envelope: "debezium" }),
  ]);
  expectSuccess(discovered);
  const streams = new Map<string, any>(
    discovered.messages.find((m) => m.type === "CATALOG")!.catalog.streams.map((s: { name: string }) => [s.name, s]),
  );
  const typed = streams.get(withSchemas);
  expect(typed.source_defined_primary_key).toEqual([["id"]]);
  expect(typed.default_cursor_field).toEqual(["_kafka_offset"]);
  const { _meta, ...columns } = typed.json_schema.properties;
  const nullable = (type: string, more: object = {}) => ({ type: [type, "null"], ...more });
  const timestamp = (zone: string) =>
    nullable("string", { format: "date-time", airbyte_type: `timestamp_${zone}_timezone` });
  expect(columns).toEqual({
    id: { type: "integer" },
    name: { type: "string" },
    price: nullable("number"),
    qty: nullable("string", { pattern: "^-?[0-9]+(\\.[0-9]+)?$" }),
    born: nullable("string", { format: "date" }),
    at: timestamp("without"),
    atz: timestamp("with"),
    t: nullable("string", { format: "time", airbyte_type: "time_without_timezone" }),
    doc: { type: ["string", "number", "boolean", "object", "array", "null"] },
    u: nullable("string", { format: "uuid" }),
    big: nullable("integer"),
    flag: nullable("boolean"),
    _ab_cdc_lsn: expect.objectContaining(nullable("integer")),
    _ab_cdc_updated_at: expect.objectContaining(timestamp("with")),
    _ab_cdc_deleted_at: expect.objectContaining(timestamp("with")),
    _kafka_partition: expect.objectContaining({ type: "integer" }),
    _kafka_offset: expect.objectContaining({ type: "integer" }),
  });
  expect(_meta.properties.op.enum).toEqual(["c", "u", "d", "r"]);
  // Without schemas, the columns are inferred from the sampled rows, as Debezium wrote them.
  const inferred = streams.get(bare);
  expect(inferred.source_defined_primary_key).toEqual([["id"]]);
  expect(inferred.json_schema.properties.born).toEqual(nullable("integer"));

  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  // A wall-clock timestamp (timestamp_without_timezone) and a time of day have no offset, which ajv-formats requires.
  ajv.addFormat("date-time", /^\d{4,}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
  ajv.addFormat("time", /^\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})?$/);
  for (const topic of [withSchemas, bare]) {
    const result = await read(runners[0]!, { value_envelope: "debezium" }, catalog([topic]));
    const validate = ajv.compile(streams.get(topic).json_schema);
    for (const { data } of records(result))
      expect({ valid: validate(data), errors: validate.errors }).toEqual({ valid: true, errors: null });
  }
});

test("a read resumed from its state emits only the changes made since", async () => {
  const runner = runners[0]!;
  const first = await read(runner, { value_envelope: "debezium" }, catalog([withSchemas]));
  expectSuccess(first);
  await sql`insert into items (id, name) values (3, 'three')`;
  await sql`delete from items where id = 1`;
  await messages(withSchemas, 8);
  const second = await read(runner, { value_envelope: "debezium" }, catalog([withSchemas]), first);
  expectSuccess(second);
  expect(records(second).map(({ data }) => [data._kafka_offset, data._meta.op, data.id, data.name])).toEqual([
    [5, "c", 3, "three"],
    [6, "d", 1, "uno"],
  ]);
  expect(states(second).at(-1).stream.stream_state).toEqual({ partitions: { "0": { offset: 8 } } });
});
