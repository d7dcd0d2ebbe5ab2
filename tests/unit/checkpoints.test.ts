/**
 * What STATE says (src/pool/checkpoints.ts), the heart of exact restarts: whatever order the
 * workers' batches are written in, a STATE names for each partition the offset after the last
 * record written, never one past it, and carries every partition it was handed.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { Checkpoints } from "../../src/pool/checkpoints.ts";
import type { PartitionPosition } from "../../src/worker/messages.ts";

const never = { records: Number.MAX_SAFE_INTEGER, intervalMs: Number.MAX_SAFE_INTEGER };

/** A batch as a worker sends it: one partition's records [from, next), `records` of them emitted. */
type Written = { stream: string; partition: number; from: number; next: number; records: number };

/**
 * Workers' batches: each partition belongs to one worker and its batches follow each other in
 * offset order; `order` says which worker's next batch the main thread writes each time.
 */
const reads = fc
  .record({
    partitions: fc.array(
      fc.record({
        stream: fc.constantFrom("orders", "payments"),
        start: fc.nat(1000),
        worker: fc.nat(2),
        // Offsets each batch moves past, and how many of them were records (the rest: aborted
        // transactions, control records, a skipped tombstone).
        steps: fc.array(fc.tuple(fc.nat(50), fc.nat(50)), { maxLength: 6 }),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    order: fc.array(fc.nat(2), { minLength: 60, maxLength: 60 }),
    statesAfter: fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }),
  })
  .map(({ partitions, order, statesAfter }) => {
    const queues: Written[][] = [[], [], []];
    const start = new Map<string, Map<number, number>>();
    partitions.forEach(({ stream, start: from, worker, steps }, partition) => {
      start.set(stream, (start.get(stream) ?? new Map()).set(partition, from));
      let at = from;
      for (const [moved, emitted] of steps) {
        const batch = { stream, partition, from: at, next: at + moved, records: Math.min(moved, emitted) };
        queues[worker]?.push(batch);
        at += moved;
      }
    });
    // The merge: each step writes the next batch of one worker that has one.
    const merged: Written[] = [];
    for (const pick of [...order, 0, 1, 2, 0, 1, 2]) {
      const queue = queues.find((q, i) => q.length > 0 && i >= pick) ?? queues.find((q) => q.length > 0);
      const batch = queue?.shift();
      if (batch) merged.push(batch);
    }
    while (queues.some((q) => q.length > 0)) merged.push(...queues.flatMap((q) => q.splice(0, 1)));
    return { start, merged, statesAfter };
  });

function apply(checkpoints: Checkpoints, batch: Written): void {
  const position: PartitionPosition = [batch.stream, batch.partition, batch.next, `${batch.stream}-id`];
  checkpoints.advance([position], batch.records > 0 ? [[batch.stream, batch.records]] : []);
}

describe("checkpoints", () => {
  test("STATE never names an offset past the records written, whatever the order of batches", () => {
    fc.assert(
      fc.property(reads, ({ start, merged, statesAfter }) => {
        const checkpoints = new Checkpoints(start, never);
        // Where each partition's written records end: a STATE may name exactly this, never more.
        const written = new Map<string, number>(
          [...start].flatMap(([s, ps]) => [...ps].map(([p, o]) => [`${s}/${p}`, o] as const)),
        );
        const counted = new Map<string, number>();
        const emitted = new Map<string, number>();
        merged.forEach((batch, i) => {
          apply(checkpoints, batch);
          written.set(`${batch.stream}/${batch.partition}`, batch.next);
          emitted.set(batch.stream, (emitted.get(batch.stream) ?? 0) + batch.records);
          if (!statesAfter[i]) return;
          for (const { stream, state, recordCount } of checkpoints.take()) {
            for (const [partition, { offset }] of Object.entries(state.partitions))
              expect(offset).toBe(written.get(`${stream}/${partition}`) as number);
            counted.set(stream, (counted.get(stream) ?? 0) + recordCount);
          }
        });
        // The final STATE: every partition it was handed, each where its last batch left it, and
        // every record counted once across the STATEs.
        for (const { stream, state, recordCount } of checkpoints.take(true)) {
          expect(Object.keys(state.partitions).sort()).toEqual(
            [...(start.get(stream)?.keys() ?? [])].map(String).sort(),
          );
          for (const [partition, { offset }] of Object.entries(state.partitions))
            expect(offset).toBe(written.get(`${stream}/${partition}`) as number);
          counted.set(stream, (counted.get(stream) ?? 0) + recordCount);
        }
        for (const [stream, records] of emitted) expect(counted.get(stream) ?? 0).toBe(records);
      }),
      { numRuns: 300 },
    );
  });

  test("a STATE carries the partitions handed in state that this copy does not read, unchanged", () => {
    const start = new Map([
      [
        "orders",
        new Map([
          [0, 10],
          [1, 20],
          [7, 70],
        ]),
      ],
    ]);
    const checkpoints = new Checkpoints(start, never);
    checkpoints.advance([["orders", 1, 25, "id"]], [["orders", 5]]);
    expect(checkpoints.take()).toEqual([
      {
        stream: "orders",
        state: { partitions: { "0": { offset: 10 }, "1": { offset: 25 }, "7": { offset: 70 } } },
        recordCount: 5,
      },
    ]);
  });

  test("a stream that did not move since its last STATE gets none, unless all are asked for", () => {
    const checkpoints = new Checkpoints(
      new Map([
        ["a", new Map([[0, 0]])],
        ["b", new Map([[0, 0]])],
      ]),
      never,
    );
    checkpoints.take();
    checkpoints.advance([["a", 0, 3, "a-id"]], [["a", 3]]);
    expect(checkpoints.take().map((s) => s.stream)).toEqual(["a"]);
    expect(checkpoints.take().map((s) => s.stream)).toEqual([]);
    expect(checkpoints.take(true).map((s) => [s.stream, s.recordCount])).toEqual([
      ["a", 0],
      ["b", 0],
    ]);
  });

  test("positions of a topic deleted and created again are ignored once its stream restarts", () => {
    const checkpoints = new Checkpoints(
      new Map([
        [
          "t",
          new Map([
            [0, 5],
            [1, 9],
          ]),
        ],
      ]),
      never,
    );
    checkpoints.advance([["t", 0, 8, "old"]], [["t", 3]]);
    checkpoints.restart("t", "new", new Map([[0, 0]]), [0, 1]);
    checkpoints.advance(
      [
        ["t", 1, 12, "old"],
        ["t", 0, 4, "new"],
      ],
      [["t", 4]],
    );
    expect(checkpoints.take(true)[0]?.state).toEqual({ partitions: { "0": { offset: 4 } } });
  });

  test("a STATE is due after checkpoint_records records or the interval, whichever comes first", () => {
    const checkpoints = new Checkpoints(new Map([["t", new Map([[0, 0]])]]), { records: 10, intervalMs: 1000 });
    checkpoints.take();
    const now = Date.now();
    checkpoints.advance([["t", 0, 9, "id"]], [["t", 9]]);
    expect(checkpoints.due(now)).toBe(false);
    checkpoints.advance([["t", 0, 10, "id"]], [["t", 1]]);
    expect(checkpoints.due(now)).toBe(true);
    checkpoints.take();
    expect(checkpoints.due(now + 999)).toBe(false);
    expect(checkpoints.due(now + 5000)).toBe(true);
  });
});
