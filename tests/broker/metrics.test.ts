/**
 * `read --metrics HOST:PORT` against the real broker: /metrics scraped while tailing under a
 * producer and compared with the log end offsets the broker lists; the lag after a resume from a
 * state, before anything is written; /healthz and /readyz through planning, reading and stopping;
 * fetch errors by Kafka's error code; and bad addresses, refused before anything is read.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { createServer } from "node:http";
import packageJson from "../../package.json" with { type: "json" };
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  jsonFile,
  parseProtocol,
  type Runner,
  run,
  runners,
  traces,
  uniqueTopic,
} from "../support/connector.ts";
import { createTopic, deleteTopic, endOffsets, produce, type TestMessage } from "../support/kafka.ts";
import { byPartition, get, refused, type Scrape, scrape, untilStatus, value } from "../support/metrics.ts";
import { closedPort } from "../support/net.ts";
import { type Live, startLive } from "../support/process.ts";
import { until } from "../support/wait.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

/** Starts a read serving metrics on a free port; stdout is read from `readFrom` on (at once if absent). */
async function startWithMetrics(
  runner: Runner,
  args: string[],
  options: { readFrom?: Promise<unknown>; env?: Record<string, string> } = {},
): Promise<{ live: Live; port: number }> {
  const port = await closedPort();
  const live = startLive(runner, ["read", ...args, "--metrics", `127.0.0.1:${port}`], options);
  return { live, port };
}

const alive = (live: Live) => () => live.exitCode() === null;

/** RECORD lines so far, by partition: the offsets in the order written. */
function offsetsWritten(live: Live): Map<number, number[]> {
  const written = new Map<number, number[]>();
  for (const line of live.lines) {
    if (!line.startsWith('{"type":"RECORD"')) continue;
    const { _meta } = JSON.parse(line).record.data;
    written.set(_meta.partition, [...(written.get(_meta.partition) ?? []), _meta.offset]);
  }
  return written;
}

/** A release for a read whose stdout is held: nothing it writes gets out until `release()`. */
function holdStdout(): { readFrom: Promise<void>; release: () => void } {
  let release!: () => void;
  const readFrom = new Promise<void>((resolve) => (release = resolve));
  return { readFrom, release };
}

/**
 * Messages whose values are too large for one RECORD line to fit in a held stdout's pipe (64 KiB):
 * the first batch written waits until stdout is read. One produce request per message.
 */
async function produceLarge(topic: string, perPartition: number[]): Promise<void> {
  for (const [partition, count] of perPartition.entries())
    for (let i = 0; i < count; i++)
      await produce(broker, topic, [{ partition, value: JSON.stringify({ i, pad: "x".repeat(200_000) }) }]);
}

/** Resolves once a fetch has brought records of `topic`: its batch is then in the main thread's hands. */
async function untilFetched(port: number, topic: string, live: Live): Promise<void> {
  await until("a fetch of the topic's records", async () => {
    if (!alive(live)()) throw new Error("the connector exited");
    return (value(await scrape(port), "source_kafka_fetched_bytes_total", { topic }) ?? 0) > 0;
  });
}

describe.each(runners)("metrics (%s)", (runner) => {
  test("while tailing under a producer, positions, high watermarks and lag agree with the broker's log end offsets", async () => {
    const topic = uniqueTopic("metrics-tail");
    const partitions = [0, 1, 2];
    await createTopic(broker, topic, partitions.length);
    const t0 = Date.parse("2024-06-01T00:00:00.000Z");
    let produced = 0;
    const batch = (count: number): TestMessage[] =>
      Array.from({ length: count }, () => {
        const n = produced++;
        return { partition: n % partitions.length, value: JSON.stringify({ n }), timestamp: t0 + n };
      });
    await produce(broker, topic, batch(30));
    const config = jsonFile("config.json", { bootstrap_servers: broker, checkpoint_interval_ms: 200 });
    const { live, port } = await startWithMetrics(runner, [
      "--tail",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    try {
      await untilStatus(port, "/readyz", 200, alive(live));

      // While the producer writes, every scrape is consistent and never ahead of the broker.
      for (let round = 0; round < 10; round++) {
        // Seen on stdout before this round's produce: written well before the scrape.
        const written = offsetsWritten(live);
        await produce(broker, topic, batch(6));
        const scraped = await scrape(port);
        const ends = await endOffsets(broker, topic, partitions);
        const position = byPartition(scraped, "source_kafka_partition_position", topic);
        const high = byPartition(scraped, "source_kafka_partition_high_watermark", topic);
        const lag = byPartition(scraped, "source_kafka_partition_lag", topic);
        for (const p of partitions) {
          expect(lag.get(p)).toBe(Math.max(0, high.get(p)! - position.get(p)!));
          expect(high.get(p)!).toBeLessThanOrEqual(ends.get(p)!);
          expect(position.get(p)!).toBeLessThanOrEqual(ends.get(p)!);
          // What stdout showed before the scrape is written, so the position is past it.
          expect(position.get(p)!).toBeGreaterThanOrEqual((written.get(p)?.at(-1) ?? -1) + 1);
        }
      }

      // Once the producer stops and the read catches up: exactly the broker's log end offsets.
      const ends = await endOffsets(broker, topic, partitions);
      await until("every record on stdout", () => [...offsetsWritten(live).values()].flat().length === produced);
      let scraped: Scrape = new Map();
      await until("the metrics to catch up", async () => {
        scraped = await scrape(port);
        return partitions.every(
          (p) => byPartition(scraped, "source_kafka_partition_position", topic).get(p) === ends.get(p),
        );
      });
      for (const p of partitions) {
        const labels = { topic, partition: String(p) };
        expect(value(scraped, "source_kafka_partition_position", labels)).toBe(ends.get(p)!);
        expect(value(scraped, "source_kafka_partition_high_watermark", labels)).toBe(ends.get(p)!);
        expect(value(scraped, "source_kafka_partition_lag", labels)).toBe(0);
        // The last record of partition p is message n = produced - 3 + p, stamped t0 + n.
        const last = t0 + produced - partitions.length + p;
        expect(value(scraped, "source_kafka_partition_last_record_timestamp_seconds", labels)).toBe(last / 1000);
        // Its age is the scrape's time minus that timestamp (not minus when it was read).
        const age = value(scraped, "source_kafka_partition_last_record_age_seconds", labels)!;
        expect(age).toBeLessThanOrEqual((Date.now() - last) / 1000);
        expect(age).toBeGreaterThan((Date.now() - last) / 1000 - 90);
      }
      expect(ends).toEqual(new Map(partitions.map((p) => [p, produced / partitions.length])));
      expect(value(scraped, "source_kafka_assigned_partitions", { topic })).toBe(3);
      expect(value(scraped, "source_kafka_records_total", { topic })).toBe(produced);
      const recordBytes = live.lines
        .filter((line) => line.startsWith('{"type":"RECORD"'))
        .reduce((sum, line) => sum + Buffer.byteLength(line) + 1, 0);
      expect(value(scraped, "source_kafka_written_bytes_total")).toBe(recordBytes);
      expect(value(scraped, "source_kafka_workers")!).toBeGreaterThanOrEqual(1);
      expect(value(scraped, "source_kafka_build_info", { version: packageJson.version })).toBe(1);

      // Fetches are reported about once a second: wait for the reports of those that brought the
      // records (each record's batch bytes hold at least its 7-byte value).
      await until("the fetch reports", async () => {
        scraped = await scrape(port);
        return (value(scraped, "source_kafka_fetched_bytes_total", { topic }) ?? 0) >= produced * 7;
      });
      const requests = value(scraped, "source_kafka_fetch_requests_total")!;
      expect(value(scraped, "source_kafka_fetch_duration_seconds_count")).toBe(requests);
      expect(value(scraped, "source_kafka_fetch_duration_seconds_bucket", { le: "+Inf" })).toBe(requests);
      expect(scraped.get("source_kafka_fetch_errors_total") ?? []).toEqual([]);

      // Every STATE written is counted: once idle, the count and stdout agree.
      await until("the STATE count to match stdout", async () => {
        scraped = await scrape(port);
        const states = live.lines.filter((line) => line.startsWith('{"type":"STATE"')).length;
        return value(scraped, "source_kafka_state_messages_total", { stream: topic }) === states;
      });
      expect(value(scraped, "source_kafka_last_state_age_seconds")!).toBeGreaterThanOrEqual(0);
    } finally {
      live.kill("SIGTERM");
    }
    expect((await live.finished).code).toBe(0);
    expect(await refused(port)).toBe(true);
  }, 90_000);

  test("after a resume from a state, the lag is the log end minus the state's offsets before a record is written", async () => {
    const topic = uniqueTopic("metrics-resume");
    await createTopic(broker, topic, 2);
    await produceLarge(topic, [8, 8]);
    const state = {
      type: "STREAM",
      stream: {
        stream_descriptor: { name: topic },
        stream_state: { partitions: { "0": { offset: 2 }, "1": { offset: 5 } } },
      },
    };
    const held = holdStdout();
    const { live, port } = await startWithMetrics(
      runner,
      [
        "--tail",
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
        "--state",
        jsonFile("state.json", state),
      ],
      { readFrom: held.readFrom },
    );
    try {
      await untilStatus(port, "/readyz", 200, alive(live));
      // Records fetched, none written (stdout is held): the positions are the state's, the ends the broker's.
      await untilFetched(port, topic, live);
      const held1 = await scrape(port);
      expect(byPartition(held1, "source_kafka_partition_position", topic)).toEqual(
        new Map([
          [0, 2],
          [1, 5],
        ]),
      );
      expect(byPartition(held1, "source_kafka_partition_high_watermark", topic)).toEqual(
        new Map([
          [0, 8],
          [1, 8],
        ]),
      );
      expect(byPartition(held1, "source_kafka_partition_lag", topic)).toEqual(
        new Map([
          [0, 6],
          [1, 3],
        ]),
      );
      expect(held1.get("source_kafka_records_total") ?? []).toEqual([]);

      held.release();
      let caughtUp: Scrape = new Map();
      await until("the read to catch up", async () => {
        caughtUp = await scrape(port);
        return value(caughtUp, "source_kafka_records_total", { topic }) === 6 + 3;
      });
      expect(byPartition(caughtUp, "source_kafka_partition_position", topic)).toEqual(
        new Map([
          [0, 8],
          [1, 8],
        ]),
      );
      expect(byPartition(caughtUp, "source_kafka_partition_lag", topic)).toEqual(
        new Map([
          [0, 0],
          [1, 0],
        ]),
      );
      const written = offsetsWritten(live);
      expect(written.get(0)).toEqual([2, 3, 4, 5, 6, 7]);
      expect(written.get(1)).toEqual([5, 6, 7]);
    } finally {
      held.release();
      live.kill("SIGTERM");
    }
    expect((await live.finished).code).toBe(0);
  }, 90_000);

  test("/healthz answers while the plan waits for the cluster; /readyz only while reading, not once stopping", async () => {
    // Planning against a cluster that does not answer: alive, not ready, and only the process's metrics.
    const planning = await startWithMetrics(runner, [
      "--config",
      jsonFile("config.json", { bootstrap_servers: `127.0.0.1:${await closedPort()}` }),
      "--catalog",
      jsonFile("catalog.json", catalog(["nowhere"])),
    ]);
    await untilStatus(planning.port, "/healthz", 200, alive(planning.live));
    expect(await get(planning.port, "/readyz")).toMatchObject({ status: 503, body: "not ready: planning\n" });
    const early = await scrape(planning.port);
    expect(value(early, "source_kafka_build_info", { version: packageJson.version })).toBe(1);
    expect(value(early, "source_kafka_uptime_seconds")!).toBeGreaterThan(0);
    expect(early.has("source_kafka_partition_lag")).toBe(false);
    planning.live.kill("SIGTERM");
    expect((await planning.live.finished).code).toBe(1);
    expect(await refused(planning.port)).toBe(true);

    // Reading, then stopping with stdout held (so the stop cannot finish): ready, then not.
    const topic = uniqueTopic("metrics-probes");
    await createTopic(broker, topic, 1);
    await produceLarge(topic, [2]);
    const held = holdStdout();
    const { live, port } = await startWithMetrics(
      runner,
      [
        "--tail",
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ],
      { readFrom: held.readFrom },
    );
    try {
      expect((await untilStatus(port, "/readyz", 200, alive(live))).body).toBe("ready: reading\n");
      await untilFetched(port, topic, live);
      live.kill("SIGTERM");
      await untilStatus(port, "/readyz", 503, alive(live));
      expect(await get(port, "/readyz")).toMatchObject({ status: 503, body: "not ready: stopping\n" });
      expect(await get(port, "/healthz")).toMatchObject({ status: 200, body: "ok\n" });
      expect((await get(port, "/metrics")).type).toBe("text/plain; version=0.0.4; charset=utf-8");
      expect((await get(port, "/nothing")).status).toBe(404);
    } finally {
      held.release();
    }
    expect((await live.finished).code).toBe(0);
    expect(await refused(port)).toBe(true);
    const messages = parseProtocol(live.lines.join("\n"));
    expect(messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR")).toEqual([]);
  }, 90_000);

  test("a batch read serves its metrics until it ends, then exits and the port closes", async () => {
    const topic = uniqueTopic("metrics-batch");
    await createTopic(broker, topic, 2);
    await produceLarge(topic, [3, 2]);
    const held = holdStdout();
    const { live, port } = await startWithMetrics(
      runner,
      [
        "--config",
        jsonFile("config.json", { bootstrap_servers: broker }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ],
      { readFrom: held.readFrom },
    );
    try {
      await untilStatus(port, "/readyz", 200, alive(live));
      await untilFetched(port, topic, live);
      const scraped = await scrape(port);
      expect(byPartition(scraped, "source_kafka_partition_position", topic)).toEqual(
        new Map([
          [0, 0],
          [1, 0],
        ]),
      );
      expect(byPartition(scraped, "source_kafka_partition_lag", topic)).toEqual(
        new Map([
          [0, 3],
          [1, 2],
        ]),
      );
    } finally {
      held.release();
    }
    expect((await live.finished).code).toBe(0);
    expect(offsetsWritten(live)).toEqual(
      new Map([
        [0, [0, 1, 2]],
        [1, [0, 1]],
      ]),
    );
    expect(await refused(port)).toBe(true);
  }, 90_000);

  test("fetch errors are counted by Kafka's error code, and a deleted topic's partitions leave the metrics", async () => {
    const [kept, deleted] = [uniqueTopic("metrics-kept"), uniqueTopic("metrics-deleted")];
    await createTopic(broker, kept, 1);
    await createTopic(broker, deleted, 2);
    await produce(broker, kept, [{ partition: 0, value: "k" }]);
    await produce(broker, deleted, [
      { partition: 0, value: "d0" },
      { partition: 1, value: "d1" },
    ]);
    const { live, port } = await startWithMetrics(runner, [
      "--tail",
      "--config",
      jsonFile("config.json", { bootstrap_servers: broker, metadata_refresh_ms: 500 }),
      "--catalog",
      jsonFile("catalog.json", catalog([kept, deleted])),
    ]);
    try {
      await until("three records", () => [...offsetsWritten(live).values()].flat().length === 3);
      expect(value(await scrape(port), "source_kafka_assigned_partitions", { topic: deleted })).toBe(2);
      await deleteTopic(broker, deleted);
      await until("the deletion's WARN", () =>
        live.lines.some((line) => line.includes(`topic ${deleted} was deleted`)),
      );
      let scraped: Scrape = new Map();
      await until("the error report", async () => {
        scraped = await scrape(port);
        return (scraped.get("source_kafka_fetch_errors_total") ?? []).length > 0;
      });
      const errors = scraped.get("source_kafka_fetch_errors_total")!;
      // By topic id (Fetch v13+) the broker answers UNKNOWN_TOPIC_ID; by name, UNKNOWN_TOPIC_OR_PARTITION.
      expect(errors.map((e) => e.labels.error)).toEqual([expect.stringMatching(/^UNKNOWN_TOPIC_(ID|OR_PARTITION)$/)]);
      expect(errors[0]!.value).toBeGreaterThanOrEqual(1);
      expect(byPartition(scraped, "source_kafka_partition_position", deleted)).toEqual(new Map());
      expect(value(scraped, "source_kafka_assigned_partitions", { topic: deleted })).toBeUndefined();
      expect(byPartition(scraped, "source_kafka_partition_position", kept)).toEqual(new Map([[0, 1]]));
    } finally {
      live.kill("SIGTERM");
    }
    expect((await live.finished).code).toBe(0);
  }, 90_000);

  describe("a bad metrics address is a config error naming where it came from, before anything is read", () => {
    let topic: string;
    let args: string[];
    beforeAll(async () => {
      topic = uniqueTopic("metrics-bad");
      await createTopic(broker, topic, 1);
      await produce(broker, topic, [{ partition: 0, value: "never read" }]);
      args = ["--catalog", jsonFile("catalog.json", catalog([topic]))];
    });

    async function refusedWith(
      extra: string[],
      message: string,
      options: { env?: Record<string, string>; config?: Record<string, unknown> } = {},
    ) {
      const config = jsonFile("config.json", { bootstrap_servers: broker, ...options.config });
      const result = await run(runner, ["read", "--config", config, ...args, ...extra], { env: options.env });
      expect(result.code).toBe(1);
      expect(result.messages.map((m) => m.type)).toEqual(["TRACE"]);
      expect(traces(result)).toEqual([
        { type: "ERROR", emitted_at: expect.any(Number), error: { message, failure_type: "config_error" } },
      ]);
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
    }

    test("not HOST:PORT, from the flag, the environment or the config", async () => {
      await refusedWith(
        ["--metrics", "9464"],
        '--metrics must be HOST:PORT such as 0.0.0.0:9464, or :9464 for every interface, got "9464"',
      );
      await refusedWith(
        [],
        'SOURCE_KAFKA_METRICS has a port out of range: it must be 0-65535 (0: any free port), got ":99999"',
        {
          env: { SOURCE_KAFKA_METRICS: ":99999" },
        },
      );
      await refusedWith(
        [],
        'config: metrics_address must be HOST:PORT, without a scheme or a path, got "http://0.0.0.0:9464"',
        {
          config: { metrics_address: "http://0.0.0.0:9464" },
        },
      );
    });

    test("a port already in use, an address of another machine, a host that does not resolve", async () => {
      const taken = createServer();
      await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
      const port = (taken.address() as { port: number }).port;
      try {
        await refusedWith(
          ["--metrics", `127.0.0.1:${port}`],
          `--metrics: cannot listen on "127.0.0.1:${port}": port ${port} is already in use`,
        );
        // The flag wins over the environment and the config, which would have been fine.
        await refusedWith(
          ["--metrics", `127.0.0.1:${port}`],
          `--metrics: cannot listen on "127.0.0.1:${port}": port ${port} is already in use`,
          { env: { SOURCE_KAFKA_METRICS: "127.0.0.1:0" }, config: { metrics_address: "127.0.0.1:0" } },
        );
      } finally {
        taken.close();
      }
      // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
      await refusedWith(
        [],
        'SOURCE_KAFKA_METRICS: cannot listen on "192.0.2.1:9464": 192.0.2.1 is not an address of this machine',
        {
          env: { SOURCE_KAFKA_METRICS: "192.0.2.1:9464" },
        },
      );
      await refusedWith(
        [],
        'config: metrics_address: cannot listen on "no-such-host.invalid:9464": host no-such-host.invalid does not resolve',
        { config: { metrics_address: "no-such-host.invalid:9464" } },
      );
    });
  });
});
