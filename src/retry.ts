/**
 * The retry policy the main thread (planning a read) and the read workers (each partition) share:
 * what may pass by itself is tried again with growing delays, within one budget of time.
 */
import { TransientError } from "./errors.ts";

/**
 * How long a partition may keep failing for reasons that pass by themselves — a broker
 * restarting, leadership moving, the cluster briefly unreachable — before the read gives up, and
 * how long to wait between tries. One per partition: a partition whose leader is down waits
 * without holding back the others.
 *
 * @example
 * const retry = new RetryBudget(60_000);
 * const delay = retry.failed(); // 100 ms, then 200, 400 … up to 2 s; null once 60 s have passed
 * retry.succeeded();            // the next failure starts a new budget
 */
export class RetryBudget {
  static readonly firstDelayMs = 100;
  static readonly maxDelayMs = 2_000;

  readonly #budgetMs: number;
  readonly #now: () => number;
  /** When the current run of failures began; null while the partition is being served. */
  #since: number | null = null;
  #attempts = 0;

  constructor(budgetMs: number, now: () => number = Date.now) {
    this.#budgetMs = budgetMs;
    this.#now = now;
  }

  /** Records a failure: the delay before the next try, or null when failures have lasted longer than the budget. */
  failed(): number | null {
    const now = this.#now();
    this.#since ??= now;
    const spent = now - this.#since;
    if (spent > this.#budgetMs) return null;
    const delay = Math.min(RetryBudget.firstDelayMs * 2 ** this.#attempts, RetryBudget.maxDelayMs);
    this.#attempts++;
    // The last try lands just past the budget's end, so that a budget is always used in full.
    return Math.min(delay, this.#budgetMs - spent + 1);
  }

  succeeded(): void {
    this.#since = null;
    this.#attempts = 0;
  }

  /** How long the current run of failures has lasted (0 while served). */
  failingForMs(): number {
    return this.#since === null ? 0 : this.#now() - this.#since;
  }
}

/**
 * Runs `attempt` until it succeeds, fails for a reason that will not pass, or keeps failing for
 * reasons that may pass for longer than `budgetMs`: planning a read that starts while the
 * cluster restarts waits for it, as the workers do, instead of failing at once.
 */
export async function withinRetryBudget<T>(
  budgetMs: number,
  attempt: () => Promise<T>,
  onRetry: (error: TransientError, delayMs: number) => void,
  stop?: AbortSignal,
): Promise<T> {
  const budget = new RetryBudget(budgetMs);
  for (;;) {
    try {
      return await attempt();
    } catch (error) {
      // Once stopped, whoever waited has gone: a failure now (the client closed under it) is no news.
      if (!(error instanceof TransientError) || stop?.aborted) throw error;
      const delay = budget.failed();
      if (delay === null) {
        throw new TransientError(
          `${error.message} (failing for ${Math.round(budget.failingForMs() / 1000)} s; retry_budget_ms is ${budgetMs})`,
        );
      }
      onRetry(error, delay);
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
