/**
 * Airbyte's own software runs the compiled connector unmodified: PyAirbyte syncs topics of mixed
 * data into its DuckDB and PostgreSQL caches with its defaults, then again incrementally from the
 * state it kept; airbyte-cdk's standard source tests pass. The Python side lives in tests/dist/airbyte/
 * and runs in the virtual environment tests/dist/airbyte/venv.ts makes (cached outside the checkout).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startPostgres, type Postgres } from "../../examples/read-model/postgres.ts";
import { startRegistry } from "../../harness/registry.ts";
import { serialize } from "../../harness/serializers.ts";
import { airbyteScripts as here, executable, runPython } from "./airbyte/python.ts";
import { bootstrap } from "../support/broker.ts";
import { jsonFile, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce, type TestMessage } from "../support/kafka.ts";
import { closedPort } from "../support/net.ts";
import { avroLogicalMessages } from "../support/registry-data.ts";

const t0 = Date.parse("2024-03-01T10:00:00.000Z");

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
}, 900_000);

type Table = {
  table: string;
  column_types: Record<string, string>;
  database_types: Record<string, string>;
  rows: (string | null)[][];
};
type Sync = { processed: number; tables: Record<string, Table>; stdout: string };

/** One PyAirbyte sync of `columns`' streams (stream → value columns to read back) into `cache`. */
async function pyairbyteSync(
  cache: object,
  columns: Record<string, string[]>,
  config: object = { bootstrap_servers: broker },
): Promise<Sync> {
  const out = jsonFile("sync-result.json", "");
  const request = { executable, config, streams: Object.keys(columns), columns, cache, out };
  const { stdout, stderr, code } = await runPython([
    join(here, "pyairbyte_sync.py"),
    jsonFile("sync-request.json", request),
  ]);
  if (code !== 0) throw new Error(`pyairbyte_sync.py exited ${code}:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
  return { ...JSON.parse(readFileSync(out, "utf8")), stdout };
}

/** What each topic gets: messages and how each appears as a row's columns, per produced batch. */
type Topic = {
  name: string;
  partitions: number;
  columns: string[];
  batches: { message: TestMessage; row: (string | null)[] }[][];
};

/**
 * Three topics: JSON objects over three partitions; a topic named with dots and capitals holding
 * text, bytes, tombstones and headers; integers beyond signed 64 bits (a DECIMAL column, exact),
 * the last one `laterHuge`.
 */
function topicsFor(prefix: string, laterHuge: string): Topic[] {
  const order = (n: number, partition: number) => ({
    message: {
      partition,
      key: `order-${n}`,
      value: JSON.stringify({ order: n, status: "placed", amount: n + 0.5 }),
      timestamp: t0 + n,
    },
    row: [String(n), "placed"],
  });
  const text = (
    partition: number,
    value: string | Buffer | null,
    row: string | null,
    headers?: Record<string, string>,
  ) => ({
    message: { partition, key: "k", value, headers, timestamp: t0 },
    row: [row],
  });
  // DECIMAL(38, 9) as text: the digits exactly, and nine zero decimals.
  const big = (n: number, id: string) => ({
    message: { partition: 0, key: null, value: `{"id":${id},"n":${n}}`, timestamp: t0 },
    row: [`${id}.000000000`, String(n)],
  });
  const bytes = Buffer.from([0xff, 0x00, 0xfe]);
  return [
    {
      name: uniqueTopic(`${prefix}-orders`),
      partitions: 3,
      columns: ["order", "status"],
      batches: [
        [order(1, 0), order(2, 1), order(3, 2), order(4, 0), order(5, 1)],
        [order(6, 2), order(7, 0), order(8, 0)],
      ],
    },
    {
      name: uniqueTopic(`${prefix}.Mixed.Events.V1`),
      partitions: 2,
      columns: ["value"],
      batches: [
        [
          text(0, "hello", "hello", { trace: "t-1" }),
          text(1, bytes, bytes.toString("base64")),
          text(0, null, null),
          text(1, "plain text, not JSON", "plain text, not JSON"),
        ],
        [text(1, null, null), text(0, "again", "again", { a: "1", b: "2" })],
      ],
    },
    {
      name: uniqueTopic(`${prefix}-huge-ints`),
      partitions: 1,
      columns: ["id", "n"],
      batches: [[big(1, "12345678901234567890"), big(2, "1")], [big(3, laterHuge)]],
    },
  ];
}

/** Rows the cache must hold after the given batches: [partition, offset, ...columns], in key order. */
function expectedRows(topic: Topic, batches: number): (string | null)[][] {
  const next = new Map<number, number>();
  const rows = topic.batches
    .slice(0, batches)
    .flat()
    .map(({ message, row }) => {
      const offset = next.get(message.partition) ?? 0;
      next.set(message.partition, offset + 1);
      return [String(message.partition), String(offset), ...row];
    });
  return rows.sort((a, b) => Number(a[0]) - Number(b[0]) || Number(a[1]) - Number(b[1]));
}

async function syncTwice(prefix: string, cache: object, laterHuge: string) {
  const topics = topicsFor(prefix, laterHuge);
  for (const topic of topics) {
    await createTopic(broker, topic.name, topic.partitions);
    await produce(
      broker,
      topic.name,
      topic.batches[0]!.map((b) => b.message),
    );
  }
  const columns = Object.fromEntries(topics.map((t) => [t.name, t.columns]));
  const first = await pyairbyteSync(cache, columns);
  expect(first.processed).toBe(topics.reduce((n, t) => n + t.batches[0]!.length, 0));
  for (const topic of topics)
    expect({ topic: topic.name, rows: first.tables[topic.name]!.rows }).toEqual({
      topic: topic.name,
      rows: expectedRows(topic, 1),
    });

  // The second sync starts from the state PyAirbyte kept: it reads only the new messages.
  for (const topic of topics)
    await produce(
      broker,
      topic.name,
      topic.batches[1]!.map((b) => b.message),
    );
  const second = await pyairbyteSync(cache, columns);
  expect(second.processed).toBe(topics.reduce((n, t) => n + t.batches[1]!.length, 0));
  for (const topic of topics) {
    const { rows } = second.tables[topic.name]!;
    expect({ topic: topic.name, rows }).toEqual({ topic: topic.name, rows: expectedRows(topic, 2) });
    expect(new Set(rows.map((r) => `${r[0]}/${r[1]}`)).size).toBe(rows.length);
  }
  // Every column has a type PyAirbyte understood: it names the ones it could not.
  expect(`${first.stdout}${second.stdout}`).not.toContain("Could not determine airbyte type");
  return { topics, second };
}

describe("PyAirbyte", () => {
  test("syncs mixed topics into its DuckDB cache, then incrementally from the state it kept", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "source-kafka-duckdb-")), "sync.duckdb");
    const { topics, second } = await syncTwice("pyairbyte-duckdb", { kind: "duckdb", path }, "-98765432109876543210");
    const [orders, mixed, huge] = topics.map((t) => second.tables[t.name]!);
    expect(mixed!.table).toBe(topics[1]!.name.toLowerCase().replace(/[^a-z0-9]/g, "_"));
    expect(orders!.column_types).toMatchObject({
      _kafka_partition: "BIGINT",
      _kafka_offset: "BIGINT",
      order: "BIGINT",
      status: "VARCHAR",
      amount: "NUMERIC(38, 9)",
    });
    expect(huge!.column_types).toMatchObject({ id: "NUMERIC(38, 9)", n: "BIGINT" });
  }, 300_000);

  test("syncs schema-registry values into DuckDB columns of their types: exact integers and decimals, instants, dates, times", async () => {
    const registry = await startRegistry();
    try {
      const topic = uniqueTopic("pyairbyte-registry");
      await createTopic(broker, topic, 1);
      const bytes = await serialize({ url: registry.url }, avroLogicalMessages(topic));
      await produce(
        broker,
        topic,
        bytes.map((b) => ({ partition: 0, key: null, value: b.value, timestamp: t0 })),
      );
      const columns = [
        "big",
        "amount",
        "whole",
        "wide",
        "at_ms",
        "at_us",
        "local_ms",
        "day",
        "time_ms",
        "time_us",
        "id",
        "span",
      ];
      const sync = await pyairbyteSync(
        { kind: "duckdb", path: join(mkdtempSync(join(tmpdir(), "source-kafka-duckdb-")), "registry.duckdb") },
        { [topic]: columns },
        { bootstrap_servers: broker, schema_registry: { url: registry.url } },
      );
      expect(sync.stdout).not.toContain("Could not determine airbyte type");
      const table = sync.tables[topic]!;
      // As DuckDB reports them. PyAirbyte declares timestamp_with_timezone as TIMESTAMP(timezone=True),
      // which its DuckDB dialect creates as a plain TIMESTAMP (holding the UTC instant).
      expect(Object.fromEntries(columns.map((c) => [c, table.database_types[c]]))).toEqual({
        big: "BIGINT",
        amount: "DECIMAL(38,9)",
        whole: "DECIMAL(38,9)",
        wide: "VARCHAR",
        at_ms: "TIMESTAMP",
        at_us: "TIMESTAMP",
        local_ms: "TIMESTAMP",
        day: "DATE",
        time_ms: "TIME",
        time_us: "TIME",
        id: "VARCHAR",
        span: "JSON",
      });
      // Every digit kept: 2^60 + 1, the 38-digit decimal; instants before 1970 and in year 1.
      expect(table.rows).toEqual([
        [
          "0",
          "0",
          "1152921504606846977",
          "12345678.900000000",
          "42.000000000",
          "12345678901234567890123456789012345678",
          "2024-03-01 10:00:01",
          "2024-03-01 10:00:01.123456",
          "2024-03-01 10:00:01",
          "2024-03-01",
          "01:02:03.5",
          "12:34:56.789012",
          "123e4567-e89b-12d3-a456-426614174000",
          '{"months":1,"days":2,"milliseconds":3}',
        ],
        [
          "0",
          "1",
          "-4611686018427387907",
          "-0.050000000",
          "0.000000000",
          "-99999999999999999999999999999999999999",
          "1969-12-31 23:59:59.999",
          "1969-12-30 23:59:59.999999",
          "0001-01-01 00:00:00",
          "0001-01-01",
          "00:00:00",
          "23:59:59.999999",
          "00000000-0000-0000-0000-000000000000",
          '{"months":0,"days":0,"milliseconds":0}',
        ],
      ]);
    } finally {
      await registry.stop();
    }
  }, 300_000);

  describe("with PostgreSQL", () => {
    let postgres: Postgres;
    beforeAll(async () => {
      postgres = await startPostgres();
    }, 600_000); // the first run may install Debian's postgresql package
    afterAll(() => postgres?.stop());

    test("syncs mixed topics into its Postgres cache, then incrementally from the state it kept", async () => {
      const port = Number(new URL(postgres.url).port);
      const cache = {
        kind: "postgres",
        host: "127.0.0.1",
        port,
        database: "postgres",
        username: "postgres",
        password: "unused-trust-auth",
        schema: "kafka",
      };
      // PyAirbyte's Postgres cache loads its files with pandas, which cannot parse an integer
      // below -2^63 or from 2^64 ("Value is too small"), whatever the column: stay within those.
      const { topics, second } = await syncTwice("pyairbyte-postgres", cache, "18446744073709551615");
      expect(second.tables[topics[2]!.name]!.column_types).toMatchObject({
        _kafka_offset: "BIGINT",
        id: "NUMERIC(38, 9)",
        n: "BIGINT",
      });
    }, 300_000);
  });
});

describe("airbyte-cdk standard source tests", () => {
  test("spec, check (good and unreachable), discover, basic read and bad catalog all pass", async () => {
    const topic = uniqueTopic("cdk-standard");
    await createTopic(broker, topic, 2);
    await produce(broker, topic, [
      { partition: 0, key: "a", value: '{"id":12345678901234567890,"name":"first"}', timestamp: t0 },
      { partition: 1, key: "b", value: '{"id":2,"name":"second","tags":["x"]}', timestamp: t0 },
      { partition: 1, key: "c", value: null, timestamp: t0 },
    ]);
    // The CDK takes the connector's root (and name) from the working directory: a folder named
    // source-kafka holding acceptance-test-config.yml and the files it names.
    const root = join(mkdtempSync(join(tmpdir(), "source-kafka-cdk-")), "source-kafka");
    mkdirSync(root);
    const file = (name: string, value: unknown) =>
      writeFileSync(join(root, name), typeof value === "string" ? value : JSON.stringify(value));
    // basic_read has a config file of its own: a config listed with a configured catalog is also
    // given that catalog for `spec` (airbyte-cdk 7.39.1), which no connector's `spec` accepts.
    file("config.json", { bootstrap_servers: broker });
    file("read-config.json", { bootstrap_servers: broker });
    file("unreachable.json", { bootstrap_servers: `127.0.0.1:${await closedPort()}`, connect_timeout_ms: 2000 });
    file("configured_catalog.json", {
      streams: [
        {
          stream: { name: topic, json_schema: {}, supported_sync_modes: ["full_refresh", "incremental"] },
          sync_mode: "full_refresh",
          destination_sync_mode: "append",
        },
      ],
    });
    file(
      "acceptance-test-config.yml",
      `connector_image: source-kafka:dev
acceptance_tests:
  spec:
    tests:
      - config_path: config.json
      - config_path: unreachable.json
  connection:
    tests:
      - config_path: config.json
        status: succeed
      - config_path: unreachable.json
        status: failed
  discovery:
    tests:
      - config_path: config.json
  basic_read:
    tests:
      - config_path: read-config.json
        configured_catalog_path: configured_catalog.json
`,
    );
    // The image tests (test_docker_image_*) need a Docker engine, which CI does not have; the
    // advisory catalog checks are made errors.
    const pytest = [
      "-m",
      "pytest",
      join(here, "test_standard.py"),
      "-v",
      "-rA",
      "-p",
      "no:cacheprovider",
      "-k",
      "not docker_image",
    ];
    const { stdout, stderr, code } = await runPython(
      [...pytest, "-W", "error::airbyte_cdk.test.standard_tests.DiscoveredCatalogWarning"],
      root,
    );
    const outcomes = Object.fromEntries(
      [...stdout.matchAll(/::TestSourceKafka::(.+?) (PASSED|FAILED|SKIPPED|ERROR)\b/g)].map(([, name, outcome]) => [
        name,
        outcome,
      ]),
    );
    if (code !== 0) throw new Error(`pytest exited ${code}:\n${stdout.slice(-6000)}\n${stderr.slice(-2000)}`);
    // Each test runs once per config; it is skipped only for a config the YAML does not list
    // under its section (pytest -rA says so for each), never for one it lists.
    const [ok, off] = ["PASSED", "SKIPPED"];
    expect(outcomes).toEqual({
      test_spec: ok,
      "test_config_matches_spec['config' Test Scenario]": ok,
      "test_config_matches_spec['unreachable' Test Scenario]": ok,
      "test_config_matches_spec['read-config' Test Scenario]": off,
      "test_check['config' Test Scenario]": ok,
      "test_check['unreachable' Test Scenario]": ok,
      "test_check['read-config' Test Scenario]": off,
      "test_discover['config' Test Scenario]": ok,
      "test_discover['unreachable' Test Scenario]": off,
      "test_discover['read-config' Test Scenario]": off,
      "test_basic_read['read-config' Test Scenario]": ok,
      "test_basic_read['config' Test Scenario]": off,
      "test_basic_read['unreachable' Test Scenario]": off,
      "test_fail_read_with_bad_catalog['read-config' Test Scenario]": ok,
      "test_fail_read_with_bad_catalog['config' Test Scenario]": off,
      "test_fail_read_with_bad_catalog['unreachable' Test Scenario]": off,
    });
    for (const [, reason] of stdout.matchAll(/^SKIPPED \[\d+\] [^:]+:\d+: (.*)$/gm))
      expect(reason).toMatch(/its config is listed under/);
  }, 300_000);
});
