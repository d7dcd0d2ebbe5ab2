/** A worker's fetch counts, and the main thread's totals of its reports. */
import { expect, test } from "bun:test";
import { FetchTotals } from "../../src/pool/fetch-totals.ts";
import { FetchStats, fetchDurationBuckets } from "../../src/worker/fetch-stats.ts";

test("counts fetches into duration buckets, errors by name and bytes by topic, and starts afresh after each report", () => {
  const stats = new FetchStats();
  expect(stats.take()).toBeUndefined();
  stats.fetched(0.001); // on a bound: in that bucket
  stats.fetched(0.07);
  stats.fetched(45); // beyond the last bound
  stats.failed("NOT_LEADER_OR_FOLLOWER");
  stats.failed("NOT_LEADER_OR_FOLLOWER");
  stats.failed("request_failed");
  stats.received("orders", 1000);
  stats.received("orders", 24);
  stats.received("users", 7);
  const report = stats.take();
  const durations = new Array(fetchDurationBuckets.length + 1).fill(0);
  durations[0] = 1;
  durations[fetchDurationBuckets.indexOf(0.1)] = 1;
  durations[fetchDurationBuckets.length] = 1;
  expect(report).toEqual({
    requests: 3,
    durations,
    durationSeconds: 0.001 + 0.07 + 45,
    errors: [
      ["NOT_LEADER_OR_FOLLOWER", 2],
      ["request_failed", 1],
    ],
    bytes: [
      ["orders", 1024],
      ["users", 7],
    ],
  });
  expect(stats.take()).toBeUndefined();

  const totals = new FetchTotals();
  totals.add(report!);
  stats.fetched(0.0001);
  stats.received("orders", 1);
  totals.add(stats.take()!);
  expect(totals.requests).toBe(4);
  expect(totals.durations[0]).toBe(2);
  expect(totals.durations.reduce((a, b) => a + b)).toBe(4);
  expect(totals.errors).toEqual(
    new Map([
      ["NOT_LEADER_OR_FOLLOWER", 2],
      ["request_failed", 1],
    ]),
  );
  expect(totals.bytes).toEqual(
    new Map([
      ["orders", 1025],
      ["users", 7],
    ]),
  );
});
