/**
 * Everything a read worker knows, in one object that its parts (fetching, the pending batch,
 * the partition error policy) are handed. The Kafka client is seen through `WorkerClient`, so the
 * error policy can be tested with a fake one.
 */
import type { FetchedPartition, FetchRequest, KafkaClient, TopicInfo } from "../kafka/client.ts";
import type { SchemaCache } from "../registry/schemas.ts";
import { PeriodicCollector } from "./collector.ts";
import { FetchStats } from "./fetch-stats.ts";
import type { Assignment } from "../plan/plan.ts";
import type { FromWorker, WorkerStart } from "./messages.ts";
import { OutputBuffers } from "./output-buffers.ts";
import { RecordColumns } from "../kafka/record-columns.ts";
import { PendingBatch } from "./pending-batch.ts";
import { RetryBudget } from "../retry.ts";

/** What a worker asks of the cluster. */
export type WorkerClient = Pick<KafkaClient, "fetch" | "offsets" | "describeTopics" | "close">;
export type { FetchedPartition, FetchRequest, TopicInfo };

/** One owned partition and how its reading goes. */
export type Position = Assignment & {
  next: number;
  retry: RetryBudget;
  /** No fetch before this time (ms since the epoch): backing off after a failure. */
  notBefore: number;
  /** Fetched alone, one record batch at a time: a response holding it could not be read. */
  oneBatch: boolean;
  /** The end of the log as last seen, for telling "nothing to read" from "not being served". */
  end: number;
  /** Since when the partition has had data to read but fetches brought none of it; null while it moves. */
  stalledSince: number | null;
  /** Failures in a row; every few, the client reconnects (see retryLater). */
  failures: number;
  /** A WARN said that a broker calls the partition unknown though metadata lists it; reset once served. */
  unknownWarned: boolean;
  /**
   * The replica its leader named to read it from (KIP-392, with client_rack), or -1 for the leader
   * itself; trusted until `replicaUntil` (ms since the epoch). See read-replica.ts.
   */
  replica: number;
  replicaUntil: number;
};

export type WorkerState = {
  readonly start: WorkerStart;
  client: WorkerClient;
  /** A fresh client: a new connection and fetch session, for errors that a reconnect may clear. */
  readonly connect: () => WorkerClient;
  readonly post: (message: FromWorker, transfer?: ArrayBuffer[]) => void;
  schemas: SchemaCache | undefined;
  positions: Position[];
  /** Batches posted and not yet acknowledged by the main thread. */
  inFlight: number;
  /** Resolves a wait for an ack (or a stop, or new partitions): see untilRoomForBatch. */
  wakeUp: (() => void) | null;
  batchesSent: number;
  stopping: boolean;
  /** Ids of topics deleted while tailing: their partitions are no longer read. */
  readonly ended: Set<string>;
  readonly collector: PeriodicCollector;
  /** Fetches, their durations, errors and bytes, since the last report to the main thread (for /metrics). */
  readonly fetchStats: FetchStats;
  /** The buffers batches are written into, shared with the main thread or handed back by it. */
  readonly outputBuffers: OutputBuffers;
  /** The columns each batch's records are read into, one batch at a time (fetching.ts). */
  readonly columns: RecordColumns;
  /** The batch being filled; every fetch's delivery ends by sending it. */
  readonly batch: PendingBatch<Position>;
};

export function newWorkerState(
  start: WorkerStart,
  connect: () => WorkerClient,
  post: WorkerState["post"],
): WorkerState {
  const worker: Omit<WorkerState, "batch"> & { batch?: PendingBatch } = {
    start,
    client: connect(),
    connect,
    post,
    schemas: undefined,
    positions: start.assignments.map((a) => toPosition(a, start.retryBudgetMs)),
    inFlight: 0,
    wakeUp: null,
    batchesSent: 0,
    stopping: false,
    ended: new Set(),
    collector: new PeriodicCollector(),
    fetchStats: new FetchStats(),
    outputBuffers: new OutputBuffers(),
    columns: new RecordColumns(),
  };
  worker.batch = new PendingBatch<Position>({
    limits: start.tuning,
    buffers: worker.outputBuffers,
    send: (batch, transfer) => {
      worker.batchesSent++;
      const { failAfterBatches } = start;
      if (failAfterBatches !== undefined && worker.batchesSent > failAfterBatches) {
        throw new Error(`injected worker fault after ${failAfterBatches} batches`);
      }
      worker.inFlight++;
      post(batch, transfer);
    },
  });
  return worker as WorkerState;
}

/**
 * Waits until fewer than `maxBatchesInFlight` batches wait for the main thread's ack, or the
 * worker is stopping. Called before each fetch, and after each batch a fetch fills: a fetch's
 * lines then never take more than that many buffers, however many batches it makes.
 */
export async function untilRoomForBatch(worker: WorkerState): Promise<void> {
  while (worker.inFlight >= worker.start.tuning.maxBatchesInFlight && !worker.stopping)
    await new Promise<void>((resolve) => (worker.wakeUp = resolve));
}

/** Ends a wait of untilRoomForBatch, to look again. */
export function wake(worker: WorkerState): void {
  const wakeUp = worker.wakeUp;
  worker.wakeUp = null;
  wakeUp?.();
}

export function toPosition(a: Assignment, retryBudgetMs: number): Position {
  return {
    ...a,
    next: a.from,
    retry: new RetryBudget(retryBudgetMs),
    notBefore: 0,
    oneBatch: false,
    end: a.to ?? 0,
    stalledSince: null,
    failures: 0,
    unknownWarned: false,
    replica: -1,
    replicaUntil: 0,
  };
}
