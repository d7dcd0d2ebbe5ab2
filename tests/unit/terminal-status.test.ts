/**
 * The terminal's status line without a broker: how it draws and redraws, what a read's line and
 * summary say, and when it stays silent (not a terminal, --quiet) or colourless (NO_COLOR).
 */
import { expect, test } from "bun:test";
import { clearLine, formatDuration, LiveLine, redrawIntervalMs } from "../../src/terminal/live-line.ts";
import {
  formatLag,
  formatStatus,
  formatSummary,
  RateWindow,
  type ReadSnapshot,
} from "../../src/terminal/read-status.ts";
import { Progress } from "../../src/pool/progress.ts";
import { offsetsLeft } from "../../src/terminal/read-progress.ts";
import { openStatus } from "../../src/terminal/status.ts";
import { createStyle } from "../../src/terminal/style.ts";

const plain = createStyle(false);

function fakeTerminal(columns = 60) {
  const writes: string[] = [];
  return { writes, out: { columns, isTTY: true, write: (text: string) => writes.push(text) } };
}

test("the live line redraws in place with a spinner and the time taken, cut to the terminal's width, and ends with its final line", () => {
  const { writes, out } = fakeTerminal(40);
  let now = 1_000;
  const line = new LiveLine(out, plain, () => now);
  line.show("connecting to broker-1:9092");
  now += 1_500;
  line.draw();
  line.show("listing the topics of a cluster with a very long name indeed");
  line.stop("✔ done");
  expect(writes).toEqual([
    `${clearLine}⠋ connecting to broker-1:9092 0.0s`,
    `${clearLine}⠙ connecting to broker-1:9092 1.5s`,
    `${clearLine}⠹ listing the topics of a cluster… 1.5s`,
    `${clearLine}✔ done\n`,
  ]);
  expect(writes[2]!.length - clearLine.length).toBe(39);
});

test("the live line redraws on its own at most four times a second, and not after it stopped", async () => {
  const { writes, out } = fakeTerminal();
  const line = new LiveLine(out, plain);
  line.show("waiting");
  await Bun.sleep(1_100);
  line.stop();
  const drawn = writes.length - 1;
  await Bun.sleep(2 * redrawIntervalMs);
  expect(redrawIntervalMs).toBe(250);
  // Timers run late on a busy machine, never early: the upper bound is the promise.
  expect(drawn).toBeGreaterThanOrEqual(2);
  expect(drawn).toBeLessThanOrEqual(5);
  expect(writes.length).toBe(drawn + 1);
  expect(writes.at(-1)).toBe(clearLine);
});

test("durations read as seconds, minutes or hours", () => {
  expect([0, 4_200, 59_940, 200_000, 3_720_000].map(formatDuration)).toEqual([
    "0.0s",
    "4.2s",
    "59.9s",
    "3m20s",
    "1h02m",
  ]);
});

test("lag is shown per topic up to three topics, else as one total", () => {
  expect(formatLag(new Map())).toBe("lag -");
  expect(
    formatLag(
      new Map([
        ["orders", 1200],
        ["users", 0],
      ]),
    ),
  ).toBe("lag orders 1,200, users 0");
  expect(
    formatLag(
      new Map([
        ["a", 1],
        ["b", 2],
        ["c", 3],
        ["d", 4000],
      ]),
    ),
  ).toBe("lag 4,006");
});

const snapshot = (at: number, records: number, bytes: number, left: number | null): ReadSnapshot => ({
  at,
  records,
  bytes,
  lag: new Map([["orders", left ?? 7]]),
  left,
});

test("a batch read's line: records, MB, rates over the last seconds, lag, share done and time left", () => {
  const window = new RateWindow();
  expect(formatStatus(snapshot(0, 0, 0, 10_000), window.rates(), 1, 10_000, plain)).toBe(
    "reading 1 stream · 0 records · 0.0 MB · lag orders 10,000 · 0%",
  );
  window.add(snapshot(0, 0, 0, 10_000));
  window.add(snapshot(250, 500, 250_000, 9_500));
  expect(window.rates()).toBeUndefined();
  window.add(snapshot(2_000, 4_000, 2_000_000, 6_000));
  expect(formatStatus(snapshot(2_000, 4_000, 2_000_000, 6_000), window.rates(), 2, 10_000, plain)).toBe(
    "reading 2 streams · 4,000 records · 2.0 MB · 2,000 rec/s · 1.0 MB/s · lag orders 6,000 · 40% · ~3.0s left",
  );
});

test("rates follow the last five seconds, not the whole read", () => {
  const window = new RateWindow();
  window.add(snapshot(0, 0, 0, null));
  window.add(snapshot(5_000, 50_000, 0, null));
  window.add(snapshot(10_000, 60_000, 0, null));
  expect(window.rates()?.records).toBe(2_000);
});

test("a tailing read's line has lag but no end to reach", () => {
  expect(formatStatus(snapshot(3_000, 12, 3_400, null), { records: 4, bytes: 1_133, offsets: 0 }, 1, null, plain)).toBe(
    "tailing 1 stream · 12 records · 0.0 MB · 4 rec/s · 0.0 MB/s · lag orders 7",
  );
});

test("the summary says how the read ended", () => {
  const end = snapshot(0, 12_345, 5_200_000, 0);
  expect(formatSummary("done", end, 3_400, 3, false, plain)).toBe(
    "✔ read 12,345 records (5.2 MB) from 3 streams in 3.4s · 3,631 records/s · lag orders 0",
  );
  expect(formatSummary("stopped", end, 3_400, 1, true, plain)).toBe(
    "✔ tailed 12,345 records (5.2 MB) from 1 stream for 3.4s · 3,631 records/s · lag orders 0",
  );
  expect(formatSummary("stopped", end, 3_400, 1, false, plain)).toBe(
    "■ stopped after 12,345 records (5.2 MB) from 1 stream in 3.4s, before the end; the final STATE resumes from there · 3,631 records/s · lag orders 0",
  );
  expect(formatSummary("failed", end, 3_400, 1, false, plain)).toBe(
    "✖ failed after 12,345 records (5.2 MB) from 1 stream in 3.4s · 3,631 records/s · lag orders 0",
  );
  expect(formatSummary("done", end, 3_400, 3, false, createStyle(true))).toStartWith("\x1b[32m✔\x1b[39m read 12,345");
});

test("the status says nothing when stderr is not a terminal, or with --quiet", () => {
  for (const [isTTY, quiet] of [
    [false, false],
    [true, true],
  ]) {
    const writes: string[] = [];
    const status = openStatus({ quiet, out: { isTTY, write: (text: string) => writes.push(text) } });
    status.step("connecting");
    status.end("✔ connected");
    expect(writes).toEqual([]);
  }
});

test("NO_COLOR leaves the line without colours; otherwise the spinner and marks are coloured", () => {
  for (const [env, expected] of [
    [{ NO_COLOR: "1" }, [`${clearLine}⠋ connecting 0.0s`]],
    [{}, [`${clearLine}\x1b[36m⠋\x1b[39m connecting\x1b[2m 0.0s\x1b[22m`]],
  ] as const) {
    const { writes, out } = fakeTerminal();
    const status = openStatus({ env, out });
    status.step("connecting");
    status.end("done");
    status.end("again");
    expect(writes.slice(0, 1)).toEqual(expected as unknown as string[]);
    expect(writes.slice(1)).toEqual([`${clearLine}done\n`]);
  }
});

test("while stdout is the same terminal, only the final line is written", () => {
  const { writes, out } = fakeTerminal();
  const status = openStatus({ live: false, out, env: { NO_COLOR: "1" } });
  status.step("connecting");
  status.show(() => "reading");
  status.end("✔ read 3 records");
  expect(writes).toEqual(["✔ read 3 records\n"]);
});

test("a batch read's offsets left count the partitions not fetched yet as the plan saw them", () => {
  const progress = new Progress();
  const planned = (partition: number, from: number, to: number) => ({
    topic: "orders",
    topicId: "id-o",
    partition,
    leader: 1,
    leaderEpoch: 0,
    from,
    to,
    logEnd: to,
  });
  const assignments = [planned(0, 50, 100), planned(1, 0, 30), planned(2, 5, 5)];
  progress.planned(assignments);
  expect(offsetsLeft(progress, assignments)).toBe(50 + 30);
  // Partition 0's first batch: it stands at 60 (and its log has grown to 120 meanwhile).
  progress.written(1000, [["orders", 10]], [["orders", 0, 60, "id-o"]], [["orders", 0, 120]]);
  expect(offsetsLeft(progress, assignments)).toBe(40 + 30);
});
