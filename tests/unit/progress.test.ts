/** The progress LOG line: rates over the interval and lag per topic from the latest fetch. */
import { expect, test } from "bun:test";
import { Progress } from "../../src/pool/progress.ts";

test("reports records/s, MB/s and each topic's offsets behind the log end, then starts over", () => {
  const progress = new Progress();
  const start = Date.now();
  progress.written(
    3_000_000,
    [["orders", 1000]],
    [
      ["orders", 0, 600, "id-o"],
      ["orders", 1, 400, "id-o"],
    ],
    [
      ["orders", 0, 1000],
      ["orders", 1, 1000],
    ],
  );
  progress.written(2_000_000, [["users", 500]], [["users", 0, 500, "id-u"]], [["users", 0, 500]]);
  const line = progress.report(start + 10_000);
  expect(line).toMatch(
    /^progress: 15\d records\/s, 0\.5 MB\/s; lag \(offsets behind the log end\): orders 1000, users 0$/,
  );
  expect(progress.report(Date.now() + 10_000)).toMatch(
    /^progress: 0 records\/s, 0\.0 MB\/s; lag \(offsets behind the log end\): orders 1000, users 0$/,
  );
});

const planned = (partition: number, from: number, to: number | null, logEnd: number) => ({
  topic: "orders",
  topicId: "id-o",
  partition,
  leader: 1,
  leaderEpoch: 0,
  from,
  to,
  logEnd,
});

test("the lag counts partitions not fetched yet as the plan saw them, batch or tail", () => {
  const progress = new Progress();
  // A batch read from 50 and 0, and a tail resumed at 40 of a log ending at 100.
  progress.planned([planned(0, 50, 100, 100), planned(1, 0, 30, 30), planned(2, 40, null, 100)]);
  expect(progress.lagByTopic()).toEqual(new Map([["orders", 50 + 30 + 60]]));
  // Partition 0's first batch: it stands at 60 and its log has grown to 120 meanwhile.
  progress.written(1000, [["orders", 10]], [["orders", 0, 60, "id-o", 1_700_000_000_000]], [["orders", 0, 120]]);
  expect(progress.lagByTopic()).toEqual(new Map([["orders", 60 + 30 + 60]]));
  expect(progress.partitions().get("orders")?.get(0)).toEqual({
    topicId: "id-o",
    next: 60,
    end: 120,
    lastTimestamp: 1_700_000_000_000,
  });
  expect(progress.recordsByTopic()).toEqual(new Map([["orders", 10]]));
});

test("positions of a topic deleted and created again are stale once the new topic is planned", () => {
  const progress = new Progress();
  progress.planned([planned(0, 0, null, 10), planned(1, 0, null, 10)]);
  progress.forget("orders");
  progress.planned([{ ...planned(0, 0, null, 2), topicId: "id-new" }]);
  // A batch of the old topic still in flight moves nothing of the new one.
  progress.written(100, [["orders", 5]], [["orders", 0, 5, "id-o", 1]], []);
  expect(progress.partitions().get("orders")).toEqual(
    new Map([[0, { topicId: "id-new", next: 0, end: 2, lastTimestamp: null }]]),
  );
  expect(progress.lagByTopic()).toEqual(new Map([["orders", 2]]));
});
