/**
 * Faults only a cluster can show, against three real brokers (replication factor 3,
 * min.insync.replicas 2): a broker crashing and coming back, leadership moving to followers and
 * back by a preferred-leader election, a topic deleted under a read, the whole cluster gone for
 * longer than the retry budget, and a corrupt batch on disk. Reads go on by themselves where they
 * can, fail with what happened where they cannot, and never lose or reorder a record. And
 * rack-aware fetching (KIP-392), which only replicas in racks can show: each broker is its own rack.
 *
 * One cluster for the whole file (it takes 20-30 s to start). Source runner only: every test here
 * waits on brokers stopping and starting, so a second runner would double a minute-long file to
 * test the same worker code, which the binary runs identically (read.test.ts checks their parity).
 */
import { until } from "../support/wait.ts";
import { afterAll, beforeAll, beforeEach, describe, expect, test } from "bun:test";
import { openSync, readSync, writeSync, closeSync } from "node:fs";
import { join } from "node:path";
import { crc32c } from "@platformatic/kafka";
import {
  readMultiCluster,
  downCluster,
  electPreferredLeaders,
  loggedFetches,
  logRequests,
  NODE_IDS,
  rackOf,
  runningNodes,
  startNode,
  stopNode,
  upCluster,
} from "../../harness/cluster.ts";
import { partitionLeaders } from "../../harness/topics.ts";
import { catalog, jsonFile, lastState, parseProtocol, run, uniqueTopic, type Message } from "../support/connector.ts";
import { stateOffsets, walkOutput } from "../support/invariants.ts";
import { createTopic, deleteTopic, produce } from "../support/kafka.ts";
import { startLive, type Live } from "../support/process.ts";

const runner = "source";
let bootstrap: string;

beforeAll(async () => {
  bootstrap = (await upCluster()).bootstrap;
}, 120_000);

// A test that failed half-way may have left a node stopped; each test starts with all three.
beforeEach(async () => {
  await Promise.all(NODE_IDS.filter((id) => !runningNodes().includes(id)).map((id) => startNode(id)));
}, 60_000);

afterAll(async () => {
  await downCluster();
}, 60_000);

const replicated = { replicas: 3, configs: { "min.insync.replicas": "2" } };

/** `perPartition` JSON records in each of `partitions`, produced in chunks; returns the end offsets. */
async function fill(topic: string, partitions: number, perPartition: number, pad = 200): Promise<Map<number, number>> {
  // Each request's batch for a partition stays under the broker's 1 MB message.max.bytes.
  const chunk = Math.floor(500_000 / (pad + 50));
  for (let from = 0; from < perPartition; from += chunk) {
    const messages = [];
    for (let p = 0; p < partitions; p++) {
      for (let i = from; i < Math.min(from + chunk, perPartition); i++)
        messages.push({ partition: p, value: JSON.stringify({ p, i, pad: "x".repeat(pad) }) });
    }
    await produce(bootstrap, topic, messages);
  }
  return new Map(Array.from({ length: partitions }, (_, p) => [p, perPartition]));
}

const messagesOf = (live: Live): Message[] => parseProtocol(live.lines.join("\n"));
const recordCount = (live: Live) => live.lines.filter((line) => line.startsWith('{"type":"RECORD"')).length;

/** Every offset of every partition exactly once, in order, and every STATE a valid resume point. */
function expectComplete(
  messages: Message[],
  topic: string,
  ends: Map<number, number>,
  start = new Map<number, number>(),
): void {
  const walk = walkOutput(messages, topic, start);
  expect(walk.violations).toEqual([]);
  const expected = [...ends].reduce((sum, [p, end]) => sum + end - (start.get(p) ?? 0), 0);
  expect(walk.records).toBe(expected);
  expect(new Map([...walk.maxOffset].map(([p, max]) => [p, max + 1]))).toEqual(
    new Map([...ends].filter(([p, end]) => end > (start.get(p) ?? 0))),
  );
}

describe("a three-broker cluster (source)", () => {
  test("a batch read goes on through a leader's crash, its restart and a preferred-leader election, every offset exactly once", async () => {
    const topic = uniqueTopic("restart");
    await createTopic(bootstrap, topic, 3, replicated);
    const ends = await fill(topic, 3, 10_000);
    const leader = (await partitionLeaders(bootstrap, topic))[0]!;
    // stdout read at 500 kB/s: the ~16 MB read lasts (~30 s) long enough for the crash and the restart to land inside it.
    const live = startLive(
      runner,
      [
        "read",
        "--config",
        jsonFile("config.json", { bootstrap_servers: bootstrap, workers: 2, checkpoint_records: 1000 }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ],
      { bytesPerSecond: 500_000 },
    );
    await until("the first records", () => recordCount(live) > 1_000);
    await stopNode(leader, "SIGKILL");
    const atCrash = recordCount(live);
    // Followers take over once the controller fences the crashed broker (6 s session timeout).
    await until("followers to lead", async () => !(await partitionLeaders(bootstrap, topic)).includes(leader));
    await until("records after the crash", () => recordCount(live) > atCrash + 3_000);
    await startNode(leader);
    // The restarted broker is the preferred leader of some partitions; it can lead again once back in sync.
    await until("preferred leaders back", async () => {
      await electPreferredLeaders(bootstrap, topic, 3);
      return (await partitionLeaders(bootstrap, topic))[0] === leader;
    });
    expect(live.exitCode()).toBeNull();
    const { code, stderr } = await live.finished;
    expect(code, stderr).toBe(0);
    expectComplete(messagesOf(live), topic, ends);
  }, 120_000);

  test("a tail follows leaders through a controlled shutdown and restart, and reads what is produced meanwhile", async () => {
    const topic = uniqueTopic("tail-restart");
    await createTopic(bootstrap, topic, 3, replicated);
    await fill(topic, 3, 100, 10);
    const live = startLive(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: bootstrap }),
      "--catalog",
      jsonFile("catalog.json", catalog([topic], { tail: true })),
    ]);
    await until("the backlog", () => recordCount(live) === 300);
    const leader = (await partitionLeaders(bootstrap, topic))[1]!;
    await stopNode(leader, "SIGTERM");
    await fill(topic, 3, 100, 10);
    await until("records produced while a broker was down", () => recordCount(live) === 600);
    await startNode(leader);
    await until("preferred leaders back", async () => {
      await electPreferredLeaders(bootstrap, topic, 3);
      return (await partitionLeaders(bootstrap, topic))[1] === leader;
    });
    await fill(topic, 3, 100, 10);
    await until("records produced after the restart", () => recordCount(live) === 900);
    live.kill("SIGTERM");
    expect((await live.finished).code).toBe(0);
    const messages = messagesOf(live);
    expectComplete(
      messages,
      topic,
      new Map([
        [0, 300],
        [1, 300],
        [2, 300],
      ]),
    );
    expect(stateOffsets(lastState(messages, topic)!)).toEqual(
      new Map([
        [0, 300],
        [1, 300],
        [2, 300],
      ]),
    );
  }, 120_000);

  test("a topic deleted during a batch read fails it with an error naming the topic", async () => {
    const topic = uniqueTopic("deleted");
    await createTopic(bootstrap, topic, 2, replicated);
    // ~22 MB: more than the worker fetches ahead (4 batches of at most 4 MB) before stdout
    // takes them, so that it must fetch again after the deletion.
    await fill(topic, 2, 10_000, 1_000);
    const live = startLive(
      runner,
      [
        "read",
        "--config",
        jsonFile("config.json", { bootstrap_servers: bootstrap, workers: 1 }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ],
      { bytesPerSecond: 4_000_000 },
    );
    await until("the first records", () => recordCount(live) > 0);
    await deleteTopic(bootstrap, topic);
    const started = Date.now();
    const { code } = await live.finished;
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(code).not.toBe(0);
    const messages = messagesOf(live);
    const errors = messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.trace.error.failure_type).toBe("config_error");
    expect(errors[0]!.trace.error.message).toContain(`topic ${topic} was deleted during the read`);
    expect(walkOutput(messages, topic, new Map()).violations).toEqual([]);
  }, 60_000);

  test("a topic deleted while tailing ends its stream with a WARN; the others go on", async () => {
    const [doomed, kept] = [uniqueTopic("doomed"), uniqueTopic("kept")];
    await createTopic(bootstrap, doomed, 2, replicated);
    await createTopic(bootstrap, kept, 2, replicated);
    await fill(doomed, 2, 50, 10);
    await fill(kept, 2, 50, 10);
    const live = startLive(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: bootstrap }),
      "--catalog",
      jsonFile("catalog.json", catalog([doomed, kept], { tail: true })),
    ]);
    await until("the backlog", () => recordCount(live) === 200);
    await deleteTopic(bootstrap, doomed);
    await until("a WARN naming the deleted topic", () =>
      live.lines.some((line) => line.includes(`topic ${doomed} was deleted`)),
    );
    await fill(kept, 2, 50, 10);
    await until("the other stream's new records", () => recordCount(live) === 300);
    live.kill("SIGTERM");
    expect((await live.finished).code).toBe(0);
    const messages = messagesOf(live);
    expect(messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR")).toEqual([]);
    const warn = messages.find((m) => m.type === "LOG" && m.log.message.includes(`topic ${doomed} was deleted`))!;
    expect(warn.log.level).toBe("WARN");
    expectComplete(
      messages,
      kept,
      new Map([
        [0, 100],
        [1, 100],
      ]),
    );
    // The deleted stream's final STATE keeps where its partitions stopped, and it ends INCOMPLETE.
    expect(stateOffsets(lastState(messages, doomed)!)).toEqual(
      new Map([
        [0, 50],
        [1, 50],
      ]),
    );
    const finalStatus = (stream: string) =>
      messages
        .filter(
          (m) =>
            m.type === "TRACE" &&
            m.trace.type === "STREAM_STATUS" &&
            m.trace.stream_status.stream_descriptor.name === stream,
        )
        .at(-1)?.trace.stream_status.status;
    expect(finalStatus(doomed)).toBe("INCOMPLETE");
    expect(finalStatus(kept)).toBe("COMPLETE");
  }, 90_000);

  test("a read started while every broker is down waits within the retry budget, then reads everything", async () => {
    const topic = uniqueTopic("late-cluster");
    await createTopic(bootstrap, topic, 3, replicated);
    const ends = await fill(topic, 3, 100, 10);
    await Promise.all(NODE_IDS.map((id) => stopNode(id, "SIGKILL")));
    const config = jsonFile("config.json", {
      bootstrap_servers: bootstrap,
      retry_budget_ms: 60_000,
      connect_timeout_ms: 1000,
    });
    const live = startLive(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    await until("a WARN that planning will be tried again", () =>
      live.lines.some((line) => line.includes("planning the read failed")),
    );
    await Promise.all(NODE_IDS.map((id) => startNode(id)));
    const { code, stderr } = await live.finished;
    expect(code, stderr).toBe(0);
    expectComplete(messagesOf(live), topic, ends);
  }, 120_000);

  test("with every broker down longer than the retry budget: transient_error, and the last STATE resumes without loss", async () => {
    const topic = uniqueTopic("outage");
    await createTopic(bootstrap, topic, 3, replicated);
    await fill(topic, 3, 200, 10);
    const config = jsonFile("config.json", {
      bootstrap_servers: bootstrap,
      retry_budget_ms: 3000,
      connect_timeout_ms: 1000,
    });
    const live = startLive(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic], { tail: true })),
    ]);
    const at200 = new Map([
      [0, 200],
      [1, 200],
      [2, 200],
    ]);
    await until("the backlog and its STATE", () => {
      const state = live.lines.findLast((line) => line.startsWith('{"type":"STATE"'));
      return state !== undefined && Bun.deepEquals(stateOffsets(JSON.parse(state)), at200);
    });
    await Promise.all(NODE_IDS.map((id) => stopNode(id, "SIGKILL")));
    const stopped = Date.now();
    const { code } = await live.finished;
    expect(Date.now() - stopped).toBeLessThan(45_000);
    expect(code).not.toBe(0);
    const messages = messagesOf(live);
    const errors = messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR");
    expect(errors).toHaveLength(1);
    expect(errors[0]!.trace.error.failure_type).toBe("transient_error");
    expect(errors[0]!.trace.error.message).toMatch(
      new RegExp(`${topic} partition \\d: no broker served it .*retry_budget_ms is 3000`),
    );
    expect(walkOutput(messages, topic, new Map()).violations).toEqual([]);
    const resume = lastState(messages, topic)!;

    await Promise.all(NODE_IDS.map((id) => startNode(id)));
    await fill(topic, 3, 100, 10);
    const resumed = await run(runner, [
      "read",
      "--config",
      config,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
      "--state",
      jsonFile("state.json", [resume]),
    ]);
    expect(resumed.code, resumed.stderr).toBe(0);
    const from = stateOffsets(resume);
    expectComplete(
      resumed.messages,
      topic,
      new Map([
        [0, 300],
        [1, 300],
        [2, 300],
      ]),
      from,
    );
  }, 120_000);

  // gzip: the batch no longer decompresses; none: only its CRC-32C tells (the bytes still parse).
  // "gzip, its CRC-32C recomputed": the fetch is read, and the batch found bad only when its records
  // are (a batch at a time, as they are written: src/worker/fetching.ts).
  test.each([
    ["gzip", false],
    ["none", false],
    ["gzip, its CRC-32C recomputed", true],
  ] as const)(
    "a corrupt batch (compression %s) fails the read naming topic, partition and offset, after every record before it",
    async (name, recomputeCrc) => {
      const compression = name.startsWith("gzip") ? "gzip" : "none";
      const topic = uniqueTopic(`corrupt-${compression}${recomputeCrc ? "-crc" : ""}`);
      // One replica, so that the one copy corrupted below is the one served; the broker stores the batches as compressed here.
      await createTopic(bootstrap, topic, 2, {
        replicas: 1,
        configs: { "compression.type": compression === "none" ? "uncompressed" : compression },
      });
      for (let batch = 0; batch < 3; batch++) {
        await produce(
          bootstrap,
          topic,
          Array.from({ length: 20 }, (_, i) => ({
            partition: i % 2,
            value: JSON.stringify({ batch, i, note: "compress me ".repeat(8) }),
          })),
        );
      }
      const leader = (await partitionLeaders(bootstrap, topic))[0]!;
      corruptSecondBatch(
        join(
          readMultiCluster()!.nodes.find((n) => n.id === leader)!.dir,
          "data",
          `${topic}-0`,
          "00000000000000000000.log",
        ),
        recomputeCrc,
      );

      const result = await run(runner, [
        "read",
        "--config",
        jsonFile("config.json", { bootstrap_servers: bootstrap, workers: 1, on_decode_error: "emit_raw" }),
        "--catalog",
        jsonFile("catalog.json", catalog([topic])),
      ]);
      expect(result.code).not.toBe(0);
      const errors = result.messages.filter((m) => m.type === "TRACE" && m.trace.type === "ERROR");
      expect(errors).toHaveLength(1);
      expect(errors[0]!.trace.error.failure_type).toBe("config_error");
      expect(errors[0]!.trace.error.message).toStartWith(
        `${topic} partition 0: the record batch holding offset 10 cannot be read (`,
      );
      if (compression === "none")
        expect(errors[0]!.trace.error.message).toContain("(the batch at offset 10 fails its CRC-32C check)");
      if (recomputeCrc) expect(errors[0]!.trace.error.message).toContain("(the batch at offset 10 does not decompress");
      const read = result.messages
        .filter((m) => m.type === "RECORD")
        .map((m) => [m.record.data._meta.partition, m.record.data._meta.offset]);
      // Partition 1 in full; partition 0 up to the corrupt batch, which is never skipped.
      expect(read.filter(([p]) => p === 1).map(([, o]) => o)).toEqual(Array.from({ length: 30 }, (_, i) => i));
      expect(read.filter(([p]) => p === 0).map(([, o]) => o)).toEqual(Array.from({ length: 10 }, (_, i) => i));
    },
    60_000,
  );
});

/**
 * Rack-aware fetching (KIP-392) on the same cluster: each node is its own rack, and leaders name a
 * replica in a fetching client's rack (harness/cluster.ts). What each broker served is read from
 * the brokers' own request logs, by the read's client id: the bytes of records each returned for
 * each partition, the rack each fetch named, the replica each leader named.
 */
describe("rack-aware fetching on a three-broker cluster (source)", () => {
  beforeAll(async () => {
    await logRequests(bootstrap, true);
  }, 30_000);

  afterAll(async () => {
    await logRequests(bootstrap, false).catch(() => {});
  }, 30_000);

  /** For each partition, the brokers that returned records of it to `clientId`, once each has one. */
  async function servedBy(clientId: string, partitions: number): Promise<Map<number, Set<number>>> {
    const served = () => {
      const nodes = new Map<number, Set<number>>();
      for (const fetch of loggedFetches(clientId))
        for (const p of fetch.partitions)
          if (p.recordBytes > 0) nodes.set(p.partition, (nodes.get(p.partition) ?? new Set()).add(fetch.node));
      return nodes;
    };
    // A node writes a request's line just after answering it: allow for the last few.
    await until("every partition's records in the brokers' request logs", () => served().size === partitions, 10_000);
    return served();
  }

  const readConfig = (clientId: string, rack?: string) =>
    jsonFile("config.json", {
      bootstrap_servers: bootstrap,
      client_id: clientId,
      ...(rack === undefined ? {} : { client_rack: rack }),
      checkpoint_records: 500,
    });

  test("with client_rack, every record comes from the replica in the client's rack; without it, or in a rack no broker has, from the leaders; every read exact", async () => {
    const topic = uniqueTopic("racks");
    // Leaders 1, 2 and 3; every node holds every partition.
    await createTopic(bootstrap, topic, 3, {
      assignments: [
        [1, 2, 3],
        [2, 3, 1],
        [3, 1, 2],
      ],
      configs: { "min.insync.replicas": "2" },
    });
    const ends = await fill(topic, 3, 1_000, 100);
    const reads = { leaders: `${topic}-no-rack`, nowhere: `${topic}-nowhere`, rack2: `${topic}-rack-2` };
    const runs = [
      [reads.leaders, undefined],
      [reads.nowhere, "rack-nowhere"],
      [reads.rack2, rackOf(2)],
    ] as const;
    const results = await Promise.all(
      runs.map(([clientId, rack]) =>
        run(runner, [
          "read",
          "--config",
          readConfig(clientId, rack),
          "--catalog",
          jsonFile("catalog.json", catalog([topic])),
        ]),
      ),
    );
    for (const [i, [, rack]] of runs.entries()) {
      const result = results[i]!;
      expect(result.code, result.stderr).toBe(0);
      expectComplete(result.messages, topic, ends);
      expect(stateOffsets(lastState(result.messages, topic)!)).toEqual(ends);
      const followed = result.messages.filter(
        (m) => m.type === "LOG" && m.log.message.includes("the replica their leader named"),
      );
      if (rack === rackOf(2)) {
        expect(followed.map((m) => m.log.message).sort()).toEqual([
          `${topic} partition 0: reading from broker 2, the replica their leader named for rack rack-2`,
          `${topic} partition 2: reading from broker 2, the replica their leader named for rack rack-2`,
        ]);
      } else expect(followed).toEqual([]);
    }

    const byLeader = new Map([
      [0, new Set([1])],
      [1, new Set([2])],
      [2, new Set([3])],
    ]);
    expect(await servedBy(reads.leaders, 3)).toEqual(byLeader);
    expect(await servedBy(reads.nowhere, 3)).toEqual(byLeader);
    expect(await servedBy(reads.rack2, 3)).toEqual(
      new Map([
        [0, new Set([2])],
        [1, new Set([2])],
        [2, new Set([2])],
      ]),
    );
    // Each fetch named the client's rack (none: the empty string); the leaders of partitions 0 and
    // 2 answered the read in rack-2 by naming broker 2, the others named no replica.
    const racksNamed = (clientId: string) => new Set(loggedFetches(clientId).map((f) => f.rackId));
    expect(racksNamed(reads.leaders)).toEqual(new Set([""]));
    expect(racksNamed(reads.nowhere)).toEqual(new Set(["rack-nowhere"]));
    expect(racksNamed(reads.rack2)).toEqual(new Set(["rack-2"]));
    const redirects = (clientId: string) =>
      loggedFetches(clientId).flatMap((f) =>
        f.partitions
          .filter((p) => p.preferredReadReplica >= 0)
          .map((p) => [f.node, p.partition, p.preferredReadReplica]),
      );
    expect(redirects(reads.rack2).sort()).toEqual([
      [1, 0, 2],
      [3, 2, 2],
    ]);
    expect(redirects(reads.leaders)).toEqual([]);
    expect(redirects(reads.nowhere)).toEqual([]);
  }, 120_000);

  // Last in the file: the killed node is not started again for a later test.
  test("the replica read from crashes mid-read: the partitions go back to their leaders and the read finishes, every offset once", async () => {
    const topic = uniqueTopic("rack-crash");
    // Broker 3 leads neither partition and follows both: the client in rack-3 reads both from it.
    await createTopic(bootstrap, topic, 2, {
      assignments: [
        [1, 2, 3],
        [2, 1, 3],
      ],
      configs: { "min.insync.replicas": "2" },
    });
    // Four record batches of 2,000 records (fill) a partition, fetched a batch at a time, and a
    // worker fetches again only as stdout takes its lines (read at 1 MB/s here): when the first
    // records are out, at most two batches of each partition are fetched, so its leader must
    // serve the rest.
    const ends = await fill(topic, 2, 8_000, 200);
    const clientId = `${topic}-rack-3`;
    const live = startLive(
      runner,
      ["read", "--config", readConfig(clientId, rackOf(3)), "--catalog", jsonFile("catalog.json", catalog([topic]))],
      { bytesPerSecond: 1_000_000 },
    );
    await until("the first records", () => recordCount(live) > 0);
    // Broker 3 has served records of both partitions, their leaders none (they named broker 3).
    expect(await servedBy(clientId, 2)).toEqual(
      new Map([
        [0, new Set([3])],
        [1, new Set([3])],
      ]),
    );
    await stopNode(3, "SIGKILL");
    const { code, stderr } = await live.finished;
    expect(code, stderr).toBe(0);
    const messages = messagesOf(live);
    expectComplete(messages, topic, ends);
    expect(stateOffsets(lastState(messages, topic)!)).toEqual(ends);
    // Then their leaders served the rest.
    expect(await servedBy(clientId, 2)).toEqual(
      new Map([
        [0, new Set([3, 1])],
        [1, new Set([3, 2])],
      ]),
    );
    expect(
      messages.some(
        (m) =>
          m.type === "LOG" &&
          m.log.message.includes("reading from the leader again; broker 3, the replica read from, failed"),
      ),
    ).toBe(true);
  }, 120_000);
});

/**
 * Overwrites bytes inside the (compressed or not) records of a segment's second batch (the broker serves
 * its page cache, so the change is what a fetch gets). A batch: baseOffset (8 bytes), length (4),
 * then `length` bytes of which the first 49 are its header and the rest the compressed records.
 * With `recomputeCrc`, the batch's CRC-32C is written anew for the bytes as they now are.
 */
function corruptSecondBatch(segment: string, recomputeCrc = false): void {
  const fd = openSync(segment, "r+");
  try {
    const head = Buffer.alloc(12);
    readSync(fd, head, 0, 12, 0);
    const second = 12 + head.readInt32BE(8);
    readSync(fd, head, 0, 12, second);
    const records = second + 12 + 49;
    const length = head.readInt32BE(8) - 49;
    writeSync(fd, Buffer.alloc(Math.min(16, length - 8), 0xff), 0, Math.min(16, length - 8), records + 4);
    if (recomputeCrc) {
      // The CRC-32C (at 17 from the batch's start) covers everything from its attributes (at 21) on.
      const covered = Buffer.alloc(head.readInt32BE(8) - 9);
      readSync(fd, covered, 0, covered.length, second + 21);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32c(covered));
      writeSync(fd, crc, 0, 4, second + 17);
    }
  } finally {
    closeSync(fd);
  }
}
