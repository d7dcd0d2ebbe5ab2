/**
 * Every record lands: a corpus of odd values real producers write (tests/dist/airbyte/corpus.ts), one
 * topic each, goes through the compiled connector into PyAirbyte's DuckDB cache and its PostgreSQL cache
 * (with nul_characters: strip and big_numbers: string, the settings docs/airbyte.md gives for
 * PostgreSQL), one sync over every topic each: no sync aborts, every table holds exactly its topic's
 * rows, and the numbers' columns hold what the docs say. And the read path's every
 * line, for that corpus and for random bytes and random JSON-like bytes, parses under pydantic's
 * AirbyteMessage.model_validate_json and Python's json, and is well-formed Unicode.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { startPostgres, type Postgres } from "../../examples/read-model/postgres.ts";
import { corpus } from "./airbyte/corpus.ts";
import { airbyteScripts as here, executable, runPython } from "./airbyte/python.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, expectSuccess, jsonFile, records, run, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

let broker: string;
/** Topic → how many messages it holds. */
const topics = new Map<string, number>();
let fuzzTopic: string;
let fuzzCount: number;

/** Random byte strings, and random sequences of JSON's pieces and of what breaks consumers. */
function fuzzValues(seed: number): Buffer[] {
  const pieces = [
    ..."{}[],:{}[],:".split(""),
    ...['"a"', '""', '"Id"', '"id"', '"_meta"', '"名前"', '"\\ud800"', '"\\udc00"', '"\\u0000"', '"\\ud83d\\ude00"'],
    ...["1e400", "-0", "12345678901234567890", "true", "null", " ", "\n", '"', "\\", "[[[[[[[[", "]]]]]]]]"],
  ].map((piece) => Buffer.from(piece));
  pieces.push(Buffer.from([0x00]), Buffer.from([0xff]), Buffer.from([0xed, 0xa0, 0x80]), Buffer.from([0x01]));
  const jsonLike = fc.array(fc.constantFrom(...pieces), { maxLength: 30 }).map((parts) => Buffer.concat(parts));
  const object = fc
    .dictionary(fc.string({ unit: "binary", maxLength: 8 }), fc.jsonValue({ stringUnit: "binary", maxDepth: 3 }))
    .map((value) => Buffer.from(JSON.stringify(value)));
  const value = fc.oneof(
    fc.uint8Array({ maxLength: 64 }).map((bytes) => Buffer.from(bytes)),
    jsonLike,
    jsonLike.map((bytes) => Buffer.concat([Buffer.from("{"), bytes, Buffer.from("}")])),
    object,
  );
  return fc.sample(value, { numRuns: 600, seed });
}

beforeAll(async () => {
  broker = await bootstrap();
  for (const odd of corpus) {
    const topic = uniqueTopic(`odd-${odd.name}`);
    await createTopic(broker, topic, 1);
    await produce(
      broker,
      topic,
      odd.messages.map((m) => ({ ...m, partition: 0 })),
    );
    topics.set(topic, odd.messages.length);
  }
  fuzzTopic = uniqueTopic("odd-fuzz");
  await createTopic(broker, fuzzTopic, 1);
  const seed = Date.now() | 0;
  console.error(`fuzz values from fast-check seed ${seed}`);
  const values = fuzzValues(seed);
  await produce(
    broker,
    fuzzTopic,
    values.map((value) => ({ partition: 0, value })),
  );
  fuzzCount = values.length;
}, 300_000);

describe("odd values", () => {
  test("every line the read path writes parses under pydantic and Python's json and is well-formed Unicode; every message has its record", async () => {
    const streams = [...topics.keys(), fuzzTopic];
    const config = jsonFile("config.json", { bootstrap_servers: broker, on_decode_error: "emit_raw" });
    const result = await run(
      "binary",
      ["read", "--config", config, "--catalog", jsonFile("catalog.json", catalog(streams))],
      {
        timeoutMs: 120_000,
      },
    );
    expectSuccess(result);
    const out = join(mkdtempSync(join(tmpdir(), "source-kafka-lines-")), "stdout.jsonl");
    writeFileSync(out, result.stdout);
    const report = join(out, "..", "report.json");
    const { code, stderr } = await runPython([join(here, "validate_lines.py"), out, report]);
    if (code !== 0) throw new Error(`validate_lines.py exited ${code}: ${stderr.slice(-3000)}`);
    const { bad, records: counts } = JSON.parse(readFileSync(report, "utf8"));
    expect(bad).toEqual([]);
    // Tombstones included: every message is one record (none is a Debezium topic).
    expect(counts).toEqual(Object.fromEntries([...topics, [fuzzTopic, fuzzCount]]));
    // What the six became.
    const byTopic = (name: string) => {
      const topic = [...topics.keys()].find((t) => t.startsWith(`odd-${name}-`))!;
      return records(result).find((r) => r.stream === topic)!.data;
    };
    expect(byTopic("bytes-all-control")).toMatchObject({ value: "AAEC", _meta: { value_encoding: "base64" } });
    expect(byTopic("escaped-nul")).toMatchObject({ a: "a\u0000b", ok: 1 });
    expect(byTopic("lone-surrogate")).toMatchObject({ lone: "\uFFFD", ok: 1, _meta: { rewrites: ["lone_surrogate"] } });
    expect(byTopic("empty-key")).toMatchObject({
      ok: 2,
      _other_fields: { "": 1 },
      _meta: { rewrites: ["other_fields"] },
    });
    expect(Object.keys(byTopic("keys-3000"))).toHaveLength(3003);
    // Numbers keep their digits by default, however large.
    const line = (name: string) => result.stdout.split("\n").find((l) => l.includes(`"stream":"odd-${name}-`))!;
    expect(line("uint128-id")).toContain('{"id":340282366920938463463374607431768211455,"_kafka_partition":0,');
    expect(line("big-number-key")).toContain('"key":{"id":18446744073709551616},');
    const deep = byTopic("arrays-300-deep");
    expect(deep._meta.rewrites).toEqual(["depth"]);
    expect(JSON.stringify(deep.a).length).toBeGreaterThan(600);
  }, 300_000);

  /** Topic → the corpus value it holds. */
  const oddOf = (topic: string) => corpus.find((odd) => topic.startsWith(`odd-${odd.name}-`))!;

  /** One PyAirbyte sync of every corpus topic with the connector's `settings`; the rows each table holds. */
  async function syncAll(cache: object, settings: object, kind: "duckdb" | "postgres") {
    const out = jsonFile("sync-result.json", "");
    const streams = [...topics.keys()];
    const request = {
      executable,
      // Only the corpus's topics: discover samples these, whatever else the broker holds.
      config: { bootstrap_servers: broker, topics: streams, ...settings },
      streams,
      columns: Object.fromEntries(
        streams.map((s) => {
          const stored = oddOf(s).stored;
          return [s, stored ? [stored.column] : []];
        }),
      ),
      cache,
      out,
    };
    const { stdout, stderr, code } = await runPython([
      join(here, "pyairbyte_sync.py"),
      jsonFile("request.json", request),
    ]);
    if (code !== 0)
      throw new Error(`pyairbyte_sync.py exited ${code}:\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}`);
    const result = JSON.parse(readFileSync(out, "utf8"));
    expect(result.processed).toBe([...topics.values()].reduce((a, b) => a + b, 0));
    const rows = Object.fromEntries(streams.map((s) => [s, result.tables[s].rows.length]));
    expect(rows).toEqual(Object.fromEntries(topics));
    // The 3,000 names: the first 1,000 are columns, beside ours and PyAirbyte's three each.
    const wide = streams.find((s) => s.startsWith("odd-keys-3000-"))!;
    const columns = Object.keys(result.tables[wide].column_types);
    expect(columns.filter((c) => /^k\d+$/.test(c))).toEqual(Array.from({ length: 1000 }, (_, i) => `k${i}`));
    expect(columns).toHaveLength(1006);
    // The numbers' columns: each row's text, as the cache stores it.
    const stored = streams.filter((s) => oddOf(s).stored !== undefined);
    expect(stored.length).toBeGreaterThan(15);
    expect(
      Object.fromEntries(stored.map((s) => [oddOf(s).name, result.tables[s].rows.map((row: unknown[]) => row[2])])),
    ).toEqual(Object.fromEntries(stored.map((s) => [oddOf(s).name, oddOf(s).stored![kind]])));
    return result;
  }

  test("all land in PyAirbyte's DuckDB cache, in one sync, each row once", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "source-kafka-duckdb-")), "corpus.duckdb");
    await syncAll({ kind: "duckdb", path }, {}, "duckdb");
  }, 600_000);

  describe("with PostgreSQL", () => {
    let postgres: Postgres;
    beforeAll(async () => {
      postgres = await startPostgres();
    }, 600_000);
    afterAll(() => postgres?.stop());

    test("all land in PyAirbyte's Postgres cache with nul_characters strip and big_numbers string, in one sync, each row once", async () => {
      const cache = {
        kind: "postgres",
        host: "127.0.0.1",
        port: Number(new URL(postgres.url).port),
        database: "postgres",
        username: "postgres",
        password: "unused-trust-auth",
        schema: "corpus",
      };
      await syncAll(cache, { nul_characters: "strip", big_numbers: "string" }, "postgres");
    }, 600_000);
  });
});
