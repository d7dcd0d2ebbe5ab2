/** The retry budget's arithmetic: backoff doubling to a cap, the budget used in full, reset on success. */
import { expect, test } from "bun:test";
import { RetryBudget } from "../../src/retry.ts";

test("backs off from 100 ms doubling to 2 s, and gives up once failures outlast the budget", () => {
  let now = 0;
  const retry = new RetryBudget(10_000, () => now);
  const delays: (number | null)[] = [];
  for (;;) {
    const delay = retry.failed();
    delays.push(delay);
    if (delay === null) break;
    now += delay;
  }
  expect(delays.slice(0, 7)).toEqual([100, 200, 400, 800, 1600, 2000, 2000]);
  expect(delays.at(-1)).toBeNull();
  // The tries cover the whole budget and stop just past it.
  expect(now).toBe(10_001);
  expect(retry.failingForMs()).toBe(10_001);
});

test("a success starts the next run of failures with a fresh budget and the first delay", () => {
  let now = 0;
  const retry = new RetryBudget(1_000, () => now);
  retry.failed();
  now += 900;
  retry.failed();
  retry.succeeded();
  expect(retry.failingForMs()).toBe(0);
  now += 5_000;
  expect(retry.failed()).toBe(100);
  now += 1_000;
  expect(retry.failed()).toBe(1);
  now += 1;
  expect(retry.failed()).toBeNull();
});
