/** When a client-credentials token is replaced: a fifth of its life before it ends, at most a minute before. */
import { expect, test } from "bun:test";
import { refreshAfterMs } from "../../src/kafka/oauth/client-credentials.ts";

test("short tokens are replaced at four fifths of their life, long ones a minute before they end", () => {
  expect(refreshAfterMs(6_000)).toBe(4_800);
  expect(refreshAfterMs(300_000)).toBe(240_000);
  expect(refreshAfterMs(3_600_000)).toBe(3_540_000);
  expect(refreshAfterMs(86_400_000)).toBe(86_340_000);
});
