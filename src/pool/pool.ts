/**
 * The worker pool and the merge. Workers hand over ready lines; the main thread writes each batch
 * whole, in the order batches arrive, waits for stdout when the pipe is full, and only then
 * counts the batch's offsets as done. Each batch is acked after it is written, which is what
 * lets the worker fetch more: in-flight data stays bounded by workers × batches in flight.
 */
import { ConfigError, TransientError, type FailureType } from "../errors.ts";
import { protocolLog } from "../log.ts";
import { stateMessage, streamStatusMessage } from "../protocol/messages.ts";
import { emit, writeRaw } from "../protocol/output.ts";
import { workerUrl } from "../worker-url.ts";
import type { Checkpoints } from "./checkpoints.ts";
import { FetchTotals } from "./fetch-totals.ts";
import { Progress } from "./progress.ts";
import { WorkerOutput } from "./worker-output.ts";
import type { Assignment } from "../plan/plan.ts";
import type { FromWorker, ToWorker, WorkerStart } from "../worker/messages.ts";

class WorkerFailure extends Error {
  override name = "WorkerFailure";
  constructor(
    readonly failureType: FailureType,
    message: string,
  ) {
    super(message);
  }
}

/** A worker thread, and why it failed if it did so before the pool gave it work. */
type WorkerThread = { worker: Worker; failure?: string };

function startThread(): WorkerThread {
  const thread: WorkerThread = { worker: new Worker(workerUrl(), { type: "module" } as WorkerOptions) };
  thread.worker.onerror = (event: ErrorEvent) => {
    event.preventDefault?.();
    thread.failure = event.message;
  };
  return thread;
}

export class Pool {
  /**
   * How long stop() lets the workers finish their fetch. One waiting on a broker that stopped
   * answering would hold the end back for the client's timeouts (30 s and more); what was written
   * is all a STATE covers, so past this the rest is dropped.
   */
  static readonly stopGraceMs = 3_000;

  readonly #workers: Worker[] = [];
  /** Each worker's output buffers, as the main thread sees them. */
  readonly #outputs = new Map<Worker, WorkerOutput>();
  /** Threads started ahead of their work (prestart), not given any yet. */
  readonly #idle: WorkerThread[];
  /** What the written batches have covered: set by start(), from the plan. */
  #checkpoints!: Checkpoints;
  #running = 0;
  #queue: Promise<void> = Promise.resolve();
  #settle!: { resolve: () => void; reject: (error: Error) => void };
  readonly done: Promise<void>;
  readonly progress = new Progress();
  /** What the workers' fetches met, added up (for /metrics). */
  readonly fetches = new FetchTotals();
  /** Ids of topics deleted while tailing. */
  readonly #endedTopics = new Set<string>();
  /** Each stream's topic id: the planned one, or the one created again under the name while tailing. */
  readonly #topicIds = new Map<string, string>();
  #failed = false;
  #base: Omit<WorkerStart, "type" | "assignments"> | undefined;
  /** While tailing, the pool lives until stop(), even with no partition to read yet. */
  #tailing = false;
  #stopping = false;
  /** Stopped and past the grace: worker messages are ignored from now on. */
  #abandoned = false;
  #added = 0;
  /** Streams whose first record is out: each gets STREAM_STATUS RUNNING once, just before it (as airbyte-cdk sends it). */
  readonly #streamsRunning = new Set<string>();

  private constructor(threads: WorkerThread[]) {
    this.#idle = threads;
    this.done = new Promise((resolve, reject) => (this.#settle = { resolve, reject }));
  }

  /**
   * A pool whose `threads` start loading now, ahead of their work: `read` makes it before it plans,
   * so that loading the workers' code (~0.1 s of CPU each) overlaps the metadata and offset requests
   * instead of following them. A thread waits for its start message; one that fails to load says
   * so when it is given work. The pool owns its threads from here to terminate().
   */
  static prestart(threads: number): Pool {
    return new Pool(Array.from({ length: threads }, startThread));
  }

  /**
   * Starts one worker per non-empty group of assignments, on the threads started ahead where
   * there are some; those left over are ended.
   */
  start(
    checkpoints: Checkpoints,
    groups: Assignment[][],
    base: Omit<WorkerStart, "type" | "assignments">,
    tailing: boolean,
  ): void {
    this.#checkpoints = checkpoints;
    this.#base = base;
    for (const a of groups.flat()) this.#topicIds.set(a.topic, a.topicId);
    this.progress.planned(groups.flat());
    this.#tailing = tailing;
    for (const assignments of groups) if (assignments.length > 0) this.#spawn(assignments, this.#idle.shift());
    for (const thread of this.#idle.splice(0)) thread.worker.terminate();
    this.#settleIfIdle();
  }

  #spawn(assignments: Assignment[], thread: WorkerThread = startThread()): void {
    const { worker } = thread;
    this.#workers.push(worker);
    this.#outputs.set(worker, new WorkerOutput());
    this.#running++;
    worker.onmessage = (event: MessageEvent<FromWorker>) => {
      // Counts for /metrics need no order: they must not wait behind a batch that waits for stdout.
      if (event.data.type === "fetches") return this.fetches.add(event.data.report);
      this.#queue = this.#queue.then(() => this.#handle(worker, event.data)).catch((error) => this.#fail(error));
    };
    worker.onerror = (event: ErrorEvent) => {
      event.preventDefault?.();
      this.#fail(new WorkerFailure("system_error", `a read worker crashed: ${event.message}`));
    };
    if (!this.#base) throw new Error("the pool starts workers only after start()");
    if (thread.failure !== undefined) {
      this.#fail(new WorkerFailure("system_error", `a read worker crashed: ${thread.failure}`));
      return;
    }
    this.#send(worker, { type: "start", ...this.#base, assignments });
  }

  #settleIfIdle(): void {
    if (this.#running === 0 && (!this.#tailing || this.#stopping)) this.#settle.resolve();
  }

  /** Worker threads reading now. */
  get running(): number {
    return this.#running;
  }

  /** The id of the topic the stream reads; undefined before it has partitions to read. */
  topicId(stream: string): string | undefined {
    return this.#topicIds.get(stream);
  }

  /** True when the stream's topic was deleted during the read and not created again. */
  ended(stream: string): boolean {
    const id = this.#topicIds.get(stream);
    return id !== undefined && this.#endedTopics.has(id);
  }

  /**
   * The stream's topic was deleted and created again while tailing: its checkpoints start over
   * with the new topic's partitions (`assignments`, of all it owns), which are handed out.
   */
  restart(stream: string, topicId: string, assignments: Assignment[], owned: number[]): void {
    if (this.#stopping) return;
    this.#topicIds.set(stream, topicId);
    this.progress.forget(stream);
    this.#checkpoints.restart(stream, topicId, new Map(assignments.map((a) => [a.partition, a.from])), owned);
    this.add(assignments);
  }

  /** Hands partitions found while tailing to a worker (a new one when there is none yet). */
  add(assignments: Assignment[]): void {
    if (assignments.length === 0 || this.#stopping) return;
    this.progress.planned(assignments);
    for (const a of assignments) {
      if (!this.#topicIds.has(a.topic)) this.#topicIds.set(a.topic, a.topicId);
      this.#checkpoints.addPartition(a.topic, a.partition, a.from);
    }
    const worker = this.#workers[this.#added++ % this.#workers.length];
    if (worker) this.#send(worker, { type: "add", assignments });
    else this.#spawn(assignments);
  }

  /** Asks every worker to finish its current fetch and stop; `done` resolves when all have. */
  stop(): void {
    if (this.#stopping) return;
    this.#stopping = true;
    for (const worker of this.#workers) this.#send(worker, { type: "stop" });
    this.#settleIfIdle();
    setTimeout(() => this.#abandon(), Pool.stopGraceMs).unref();
  }

  /** Ends a stop that the workers have not finished within the grace: once the batch being written is out. */
  #abandon(): void {
    if (this.#running === 0 || this.#failed) return;
    this.#abandoned = true;
    this.terminate();
    protocolLog(
      "WARN",
      `${this.#running} of the read workers had not finished ${Pool.stopGraceMs / 1000} s after the stop; batches not yet written are dropped, and the final STATE covers what was`,
    );
    this.#running = 0;
    void this.#queue.then(() => this.#settle.resolve());
  }

  /** Writes a STATE for each stream that moved, if one is due (the tail's timer calls this). */
  async checkpoint(): Promise<void> {
    await (this.#queue = this.#queue.then(() => this.#writeStates(false)));
  }

  /** The final STATE of every stream, once the workers are done: the resume point of the next run. */
  async finalCheckpoint(): Promise<void> {
    await (this.#queue = this.#queue.then(() => this.#writeStates(true)));
  }

  /**
   * The one place STATE is written. It runs on the message queue, after the batches before it
   * were written, so it never names an offset whose record is not yet on stdout.
   */
  async #writeStates(final: boolean): Promise<void> {
    if (!final && !this.#checkpoints.due()) return;
    for (const { stream, state, recordCount } of this.#checkpoints.take(final))
      await emit(stateMessage(stream, state, recordCount));
  }

  /** Ends every thread the pool started, working or not. */
  terminate(): void {
    for (const worker of this.#workers) worker.terminate();
    for (const thread of this.#idle.splice(0)) thread.worker.terminate();
  }

  async #handle(worker: Worker, message: FromWorker): Promise<void> {
    if (this.#failed || this.#abandoned) return;
    switch (message.type) {
      case "batch": {
        // The ack hands the batch's buffer back for the worker's next batches, once stdout is done
        // with it; until then the worker counts the batch in flight, which bounds memory.
        const output = this.#outputs.get(worker) as WorkerOutput;
        const lines = output.bytes(message.lines);
        // Read before the ack: a buffer that is not shared is transferred back, which leaves `lines` empty here.
        const bytes = lines.length;
        const back = output.ack(message.lines);
        const ack = () => worker.postMessage({ type: "ack", lines: back.lines } satisfies ToWorker, back.transfer);
        for (const [stream, records] of message.counts) {
          if (records === 0 || this.#streamsRunning.has(stream)) continue;
          this.#streamsRunning.add(stream);
          await emit(streamStatusMessage(stream, "RUNNING"));
        }
        if (lines.length > 0) await writeRaw(lines, ack);
        else ack();
        this.#checkpoints.advance(message.positions, message.counts);
        this.progress.written(bytes, message.counts, message.positions, message.ends);
        await this.#writeStates(false);
        return;
      }
      case "log":
        protocolLog(message.level, message.message);
        return;
      case "ended":
        this.#endedTopics.add(message.topicId);
        return;
      case "done":
        this.#running--;
        this.#settleIfIdle();
        return;
      case "error":
        throw new WorkerFailure(message.failureType, message.message);
    }
  }

  #send(worker: Worker, message: ToWorker): void {
    worker.postMessage(message);
  }

  #fail(error: unknown): void {
    if (this.#failed) return;
    this.#failed = true;
    this.terminate();
    if (error instanceof WorkerFailure) {
      const typed =
        error.failureType === "config_error"
          ? new ConfigError(error.message, { cause: error })
          : error.failureType === "transient_error"
            ? new TransientError(error.message, { cause: error })
            : error;
      this.#settle.reject(typed);
      return;
    }
    this.#settle.reject(error instanceof Error ? error : new Error(String(error)));
  }
}
