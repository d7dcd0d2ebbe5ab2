/** The range extension against a real topic: processes whose ranges tile the space read every record once (the hash itself: tests/unit/range.test.ts). */
import { beforeAll, describe, expect, test } from "bun:test";
import { ownedPartitions } from "../../src/plan/assign.ts";
import { parseRangeFlag } from "../../src/plan/range.ts";
import { shardRange } from "../../src/plan/shard.ts";
import { bootstrap } from "../support/broker.ts";
import {
  catalog,
  expectSuccess,
  jsonFile,
  type Run,
  records,
  run,
  runners,
  states,
  uniqueTopic,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

let broker: string;
beforeAll(async () => {
  broker = await bootstrap();
});

describe.each(runners)("range extension (%s)", (runner) => {
  test("three processes whose ranges tile the space read every record exactly once", async () => {
    const topic = uniqueTopic("range-tiles");
    const partitionCount = 32;
    await createTopic(broker, topic, partitionCount);
    const produced = Array.from({ length: partitionCount * 3 }, (_, i) => ({
      partition: i % partitionCount,
      value: `m-${i}`,
    }));
    await produce(broker, topic, produced);
    const config = jsonFile("config.json", { bootstrap_servers: broker });
    const tiles = ["00000000-55555554", "55555555-aaaaaaa9", "aaaaaaaa-ffffffff"];
    // Two of the three take the range from the flag, one from the catalog, as platforms do.
    const results = await Promise.all(
      tiles.map((range, i) => {
        const [begin, end] = range.split("-");
        const cat = i === 2 ? catalog([topic], { range: { begin, end } }) : catalog([topic]);
        const args = ["read", "--config", config, "--catalog", jsonFile("catalog.json", cat)];
        return run(runner, i === 2 ? args : [...args, "--range", range]);
      }),
    );
    const seen = results.map((result) => {
      expectSuccess(result);
      return records(result).map((r) => `${r.data._meta.partition}/${r.data._meta.offset}`);
    });
    const union = seen.flat();
    expect(new Set(union).size).toBe(produced.length);
    expect(union).toHaveLength(produced.length);
    for (const share of seen) expect(share.length).toBeLessThanOrEqual((2 * produced.length) / 3);
    for (const [i, result] of results.entries()) {
      // Each copy's state names exactly the partitions of its own range.
      const owned = Object.keys(states(result).at(-1)!.stream.stream_state.partitions).map(Number);
      expect(owned.sort((a, b) => a - b)).toEqual(
        ownedPartitions(
          topic,
          Array.from({ length: partitionCount }, (_, p) => p),
          parseRangeFlag(tiles[i]!),
        ),
      );
    }
  });
});

describe.each(runners)("shards by index (%s)", (runner) => {
  test("COUNT copies with --shard read every record exactly once, for several COUNTs, one above a topic's partitions", async () => {
    // A topic of many partitions and one of few: with 9 copies, most own nothing of the small one.
    const big = { name: uniqueTopic("shard-big"), partitions: 64 };
    const small = { name: uniqueTopic("shard-small"), partitions: 4 };
    const produced: string[] = [];
    for (const topic of [big, small]) {
      await createTopic(broker, topic.name, topic.partitions);
      const messages = Array.from({ length: topic.partitions * 2 }, (_, i) => ({
        partition: i % topic.partitions,
        value: `${topic.name}-${i}`,
      }));
      await produce(broker, topic.name, messages);
      for (let p = 0; p < topic.partitions; p++) produced.push(`${topic.name}/${p}/0`, `${topic.name}/${p}/1`);
    }
    const config = jsonFile("config.json", { bootstrap_servers: broker });
    const cat = jsonFile("catalog.json", catalog([big.name, small.name]));
    for (const count of [3, 9]) {
      const results: Run[] = [];
      // Three at a time: the copies share the machine with the broker.
      for (let first = 0; first < count; first += 3) {
        const indexes = Array.from({ length: Math.min(3, count - first) }, (_, i) => first + i);
        results.push(
          ...(await Promise.all(
            indexes.map((index) => {
              const args = ["read", "--config", config, "--catalog", cat];
              // The three ways to name a shard: the flag, the variable, and an Indexed Job's index with a count.
              if (index % 3 === 0) return run(runner, [...args, "--shard", `${index}/${count}`]);
              if (index % 3 === 1) return run(runner, args, { env: { SOURCE_KAFKA_SHARD: `${index}/${count}` } });
              return run(runner, [...args, "--shard-count", String(count)], {
                env: { JOB_COMPLETION_INDEX: String(index) },
              });
            }),
          )),
        );
      }
      const seen = results.flatMap((result) => {
        expectSuccess(result);
        return records(result).map((r) => `${r.stream}/${r.data._meta.partition}/${r.data._meta.offset}`);
      });
      expect(seen.toSorted()).toEqual(produced.toSorted());
      for (const [index, result] of results.entries()) {
        // Each copy's final state names exactly the partitions whose hash is in its shard's range.
        const range = shardRange(index, count);
        for (const topic of [big, small]) {
          const last = states(result).findLast((s) => s.stream.stream_descriptor.name === topic.name);
          const owned = Object.keys(last?.stream.stream_state.partitions ?? {}).map(Number);
          const all = Array.from({ length: topic.partitions }, (_, p) => p);
          expect(owned.toSorted((a, b) => a - b)).toEqual(ownedPartitions(topic.name, all, range));
        }
      }
      const ownersOfSmall = results.filter((result) => records(result).some((r) => r.stream === small.name));
      if (count > small.partitions) expect(ownersOfSmall.length).toBeLessThanOrEqual(small.partitions);
    }
  });
});
