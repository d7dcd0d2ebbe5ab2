/**
 * SIGTERM and SIGINT, listened for from the first moment of a read. A signal's default action
 * kills the process, so one that arrived before the worker pool existed (say just after STARTED
 * was written) used to end the read with no final STATE and a signal exit code. Now it is
 * remembered, and whoever starts the pool stops it at once.
 */
export class StopSignal {
  readonly #controller = new AbortController();
  readonly #listeners: (() => void)[] = [];
  readonly #onSignal = () => {
    this.#controller.abort();
    for (const listener of this.#listeners) listener();
  };

  constructor() {
    process.on("SIGTERM", this.#onSignal);
    process.on("SIGINT", this.#onSignal);
  }

  /** True once a signal has come. */
  get requested(): boolean {
    return this.#controller.signal.aborted;
  }

  /** Aborted by the first signal: for waits that should end early. */
  get abort(): AbortSignal {
    return this.#controller.signal;
  }

  /** Runs `listener` on a signal, or now if one has already come. */
  onStop(listener: () => void): void {
    this.#listeners.push(listener);
    if (this.requested) listener();
  }

  dispose(): void {
    process.off("SIGTERM", this.#onSignal);
    process.off("SIGINT", this.#onSignal);
  }
}
