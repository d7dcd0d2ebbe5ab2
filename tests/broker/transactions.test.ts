/**
 * read_committed against real transactions: records of aborted transactions and the commit/abort
 * markers are never emitted, yet the STATE moves past them to the end of the log; an open
 * transaction holds the read at the last stable offset until it is committed.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { batches } from "../support/batches.ts";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  records,
  run,
  runners,
  states,
  uniqueTopic,
  type Run,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { transactionalProducer, type Transactional } from "../support/transactions.ts";

let broker: string;
const producers: Transactional[] = [];

beforeAll(async () => {
  broker = await bootstrap();
});

afterAll(async () => {
  for (const producer of producers) await producer.close().catch(() => {});
});

async function opened(topic: string): Promise<Transactional> {
  const producer = await transactionalProducer(broker, topic);
  producers.push(producer);
  return producer;
}

const plain = (value: string) => ({ partition: 0, key: `k-${value}`, value });

/** Emitted (offset, value) pairs of partition 0, in order. */
const emitted = (result: Run) => records(result).map((r) => [r.data._meta.offset, r.data.value]);
const finalOffset = (result: Run) => states(result).at(-1).stream.stream_state.partitions["0"].offset;

const read = (runner: (typeof runners)[number], topic: string, state?: Run) =>
  run(runner, [
    "read",
    "--config",
    jsonFile("config.json", { bootstrap_servers: broker }),
    "--catalog",
    jsonFile("catalog.json", catalog([topic])),
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

describe.each(runners)("transactions (%s)", (runner) => {
  test("emits committed and plain records only, and the STATE ends past the last marker", async () => {
    const topic = uniqueTopic("transactions");
    await createTopic(broker, topic, 1);
    const tx = await opened(topic);
    // One producer aborts twice and commits twice, with plain messages in between and inside.
    await produce(broker, topic, [plain("n1")]); //           0
    await tx.begin(0, ["a1", "a2"]); //                       1, 2
    await tx.abort(); //                                      3: ABORT
    await tx.begin(0, ["c1", "c2"]); //                       4, 5
    await produce(broker, topic, [plain("n2")]); //           6, while the transaction is open
    await tx.commit(); //                                     7: COMMIT
    await tx.begin(0, ["a3"]); //                             8
    await tx.abort(); //                                      9: ABORT
    await tx.begin(0, ["c3"]); //                             10
    await tx.commit(); //                                     11: COMMIT

    // What the log really holds: transactional batches and four markers, 12 offsets in all.
    const log = await batches(broker, topic, 0);
    expect(log.filter((b) => b.control).map((b) => b.firstOffset)).toEqual([3, 7, 9, 11]);
    expect(log.filter((b) => b.transactional && !b.control).map((b) => b.firstOffset)).toEqual([1, 4, 8, 10]);

    const result = await read(runner, topic);
    expectSuccess(result);
    expect(emitted(result)).toEqual([
      [0, "n1"],
      [4, "c1"],
      [5, "c2"],
      [6, "n2"],
      [10, "c3"],
    ]);
    expect(records(result)[1].data._meta).toMatchObject({ key: "k-c1", op: "c" });
    expect(finalOffset(result)).toBe(12);

    // Resuming from that STATE finds nothing more, not even the markers.
    const again = await read(runner, topic, result);
    expectSuccess(again);
    expect(emitted(again)).toEqual([]);
    expect(finalOffset(again)).toBe(12);
  });

  test("stops at the last stable offset of an open transaction, and reads it once committed", async () => {
    const topic = uniqueTopic("open-transaction");
    await createTopic(broker, topic, 1);
    const tx = await opened(topic);
    await produce(broker, topic, [plain("n1")]); //           0
    await tx.begin(0, ["c1"]); //                             1
    await tx.commit(); //                                     2: COMMIT
    await tx.begin(0, ["o1", "o2"]); //                       3, 4: open
    await produce(broker, topic, [plain("n2")]); //           5, after the open transaction's start

    const first = await read(runner, topic);
    expectSuccess(first);
    expect(emitted(first)).toEqual([
      [0, "n1"],
      [1, "c1"],
    ]);
    expect(finalOffset(first)).toBe(3);

    await tx.commit(); //                                     6: COMMIT
    const second = await read(runner, topic, first);
    expectSuccess(second);
    expect(emitted(second)).toEqual([
      [3, "o1"],
      [4, "o2"],
      [5, "n2"],
    ]);
    expect(finalOffset(second)).toBe(7);
  });
});
