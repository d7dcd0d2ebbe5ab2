/** Waiting in tests for something the real broker or a live connector will do. */

/**
 * Polls `ready` until it holds; fails naming `what` after `timeoutMs`, with `detail()` (what was
 * seen so far) in the message when given. `ready` may throw to fail at once (a process that died).
 *
 *   await until("the first RECORD", () => live.lines.length > 0, 30_000);
 */
export async function until(
  what: string,
  ready: () => boolean | Promise<boolean>,
  timeoutMs = 60_000,
  detail?: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await ready())) {
    if (Date.now() > deadline) {
      const seen = detail ? `; ${detail()}` : "";
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${seen}`);
    }
    await Bun.sleep(25);
  }
}
