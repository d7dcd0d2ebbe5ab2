/**
 * A read's live progress on the terminal's status line: snapshots of the pool's progress turned
 * into the line at each redraw, and the summary when the read ends.
 */
import type { Assignment } from "../plan/plan.ts";
import type { Progress } from "../pool/progress.ts";
import { formatStatus, formatSummary, RateWindow, type ReadOutcome, type ReadSnapshot } from "./read-status.ts";
import type { Status } from "./status.ts";

/** Shows the read's progress from now on; call the result with the outcome when the read ends. */
export function showReadProgress(
  status: Status,
  progress: Progress,
  assignments: Assignment[],
  streams: number,
  tail: boolean,
): (outcome: ReadOutcome) => void {
  const started = status.elapsed();
  const total = tail ? null : offsetsLeft(progress, assignments);
  const window = new RateWindow();
  const snapshot = (at: number): ReadSnapshot => ({
    at,
    ...progress.totals(),
    lag: progress.lagByTopic(),
    left: tail ? null : offsetsLeft(progress, assignments),
  });
  status.show((elapsedMs) => {
    const now = snapshot(elapsedMs);
    window.add(now);
    return formatStatus(now, window.rates(), streams, total, status.style);
  });
  return (outcome) => {
    const elapsedMs = status.elapsed() - started;
    status.end(formatSummary(outcome, snapshot(elapsedMs), elapsedMs, streams, tail, status.style));
  };
}

/** Offsets between where each partition stands and the end planned for it at the start. */
export function offsetsLeft(progress: Progress, assignments: Assignment[]): number {
  let left = 0;
  for (const a of assignments) {
    if (a.to === null) continue;
    left += Math.max(0, a.to - Math.max(a.from, progress.next(a.topic, a.partition) ?? a.from));
  }
  return left;
}
