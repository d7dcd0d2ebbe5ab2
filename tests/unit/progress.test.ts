/** The progress LOG line: rates over the interval and lag per topic from the latest fetch. */
import { expect, test } from "bun:test";
import { Progress } from "../../src/merge/progress.ts";

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
