/**
 * SIGTERM and SIGINT, listened for from the first moment of the process until it exits (main.ts
 * owns them). A signal's default action kills the process, with no final STATE and a signal exit
 * code; and a handler alone only remembers it, so each command says what a signal ends:
 * `race` ends a wait that cannot be cut short cleanly (validation, planning, discover, check) with
 * a StoppedError, and `onStop` asks a read in progress to finish with a final STATE.
 *
 * @example
 * const stop = new StopSignal();
 * const plan = await stop.race(planRead(…), () => `read stopped by ${stop.name} before it began`);
 * stop.onStop(() => pool.stop());
 */
import { TransientError } from "./errors.ts";

/** Work stopped by a signal before it could finish: trying again later may work. */
export class StoppedError extends TransientError {
  override name = "StoppedError";
}

export class StopSignal {
  readonly #controller = new AbortController();
  readonly #listeners: (() => void)[] = [];
  #name: NodeJS.Signals | undefined;

  constructor() {
    for (const name of ["SIGTERM", "SIGINT"] as const) {
      process.on(name, () => {
        // A second signal changes nothing: the first one's stop is under way.
        if (this.requested) return;
        this.#name = name;
        this.#controller.abort();
        for (const listener of this.#listeners) listener();
      });
    }
  }

  /** True once a signal has come. */
  get requested(): boolean {
    return this.#controller.signal.aborted;
  }

  /** The signal that came, for messages ("SIGTERM"); "a signal" before one has. */
  get name(): string {
    return this.#name ?? "a signal";
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

  /**
   * Settles as `work` does, unless a signal comes first (or has come): then rejects at once with
   * a StoppedError saying `message()`. `work` is left to run; the process exits on the error.
   */
  race<T>(work: Promise<T>, message: () => string): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const stopped = () => reject(new StoppedError(message()));
      if (this.requested) return stopped();
      this.#controller.signal.addEventListener("abort", stopped, { once: true });
      work.then(resolve, reject).finally(() => this.#controller.signal.removeEventListener("abort", stopped));
    });
  }
}
