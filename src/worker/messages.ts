/** What the main thread and the read workers say to each other. */
import type { ConnectionSettings, KnownCluster } from "../kafka/client.ts";
import type { Assignment } from "../plan/plan.ts";
import type { DecodeOptions } from "../decode/document.ts";
import type { FailureType } from "../errors.ts";
import type { RegistrySettings } from "../registry/client.ts";
import type { FetchReport } from "./fetch-stats.ts";

export type FetchTuning = {
  maxWaitMs: number;
  maxBytes: number;
  partitionMaxBytes: number;
  /** Batches a worker may have waiting for the main thread before it fetches again. */
  maxBatchesInFlight: number;
  /** A batch is cut after this many records (checkpoint_records, so that STATEs can come that often)… */
  maxBatchRecords: number;
  /** …or this many bytes of lines. */
  maxBatchBytes: number;
};

export type WorkerStart = {
  type: "start";
  settings: ConnectionSettings;
  /** client_rack: named in every fetch, so that partitions may be read from a replica in that rack. */
  clientRack?: string;
  /** The main thread's Fetch version and broker addresses: the worker's first fetch need not ask for them. */
  cluster?: KnownCluster;
  decode: DecodeOptions;
  /** Where framed keys and values find their schemas; absent without a registry. */
  registry?: RegistrySettings;
  assignments: Assignment[];
  tuning: FetchTuning;
  onOutOfRange: "fail" | "earliest";
  /** How long a partition may go unserved (broker down, leadership moving) before the read fails. */
  retryBudgetMs: number;
  /** Test hook: throw inside the worker after this many batches (fault injection). */
  failAfterBatches?: number;
};

/**
 * Where a batch's lines are (output-buffers.ts): the first `length` bytes of the worker's shared
 * buffer number `buffer` (the buffer itself comes with the first batch written into it), or
 * `bytes`, transferred with the batch.
 */
export type BatchLines = { buffer: number; length: number; shared?: SharedArrayBuffer } | { bytes: Uint8Array };

/** A batch's buffer handed back: a shared one by number, or the transferred bytes' buffer. */
export type AckedLines = { buffer: number } | { bytes: ArrayBuffer };

/** The ack hands the batch's buffer back for the worker's next batches, once stdout is done with it. */
export type ToWorker =
  | WorkerStart
  | { type: "ack"; lines: AckedLines }
  | { type: "add"; assignments: Assignment[] }
  | { type: "stop" };

/**
 * Where a partition stands: [topic, partition, next offset to read, topic id, timestamp (ms) of the
 * last record read, when the batch holds one]. The id tells a topic from a later one of the same name.
 */
export type PartitionPosition = [
  topic: string,
  partition: number,
  next: number,
  topicId: string,
  lastTimestamp?: number,
];

/** Lines ready for stdout, and where each partition they cover stands after them. */
export type Batch = {
  type: "batch";
  lines: BatchLines;
  /** [topic, partition, next offset to read, topic id, last record's timestamp] */
  positions: PartitionPosition[];
  /** [topic, records in `lines`] */
  counts: [string, number][];
  /** [topic, partition, end of the log as the fetch saw it], for the lag in progress logs */
  ends: [string, number, number][];
};

export type FromWorker =
  | Batch
  | { type: "log"; level: "INFO" | "WARN"; message: string }
  /** A tailed topic was deleted: its partitions are no longer read. */
  | { type: "ended"; topic: string; topicId: string }
  /** What the worker's fetches met since its previous report (about once a second, and before `done`). */
  | { type: "fetches"; report: FetchReport }
  | { type: "done" }
  | { type: "error"; failureType: FailureType; message: string };
