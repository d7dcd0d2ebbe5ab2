/**
 * A read worker on one partition of one topic, for unit tests of its fetching and batches without a
 * broker: the start message the main thread would send, and a client whose fetches a test answers.
 */
import type { FetchedBatch } from "../../src/kafka/records.ts";
import type { WorkerStart } from "../../src/worker/messages.ts";
import type { FetchedPartition, FetchRequest, TopicInfo, WorkerClient } from "../../src/worker/state.ts";

export const topic = "orders";
export const topicId = "id-orders";

/** The worker's start: partition 0 of `topic`, from 0 to `to`, batches cut at `maxBatchBytes`. */
export function startOnePartition(
  to: number,
  options: { maxBatchBytes?: number; onDecodeError?: "fail" | "emit_raw" } = {},
): WorkerStart {
  return {
    type: "start",
    decode: { keyFormat: "auto", valueFormat: "auto", onDecodeError: options.onDecodeError ?? "fail" },
    assignments: [{ topic, topicId, partition: 0, leader: 1, leaderEpoch: 0, from: 0, to }],
    tuning: {
      maxWaitMs: 100,
      maxBytes: 1 << 20,
      partitionMaxBytes: 1 << 20,
      maxBatchesInFlight: 2,
      maxBatchRecords: 100_000,
      maxBatchBytes: options.maxBatchBytes ?? 1 << 20,
    },
    retryBudgetMs: 60_000,
    onOutOfRange: "fail",
  } as unknown as WorkerStart;
}

/** A client that answers each fetch with the batches `answer` gives, of a log ending at `logEnd`. */
export function onePartitionClient(logEnd: number, answer: (request: FetchRequest) => FetchedBatch[]): WorkerClient {
  return {
    async fetch(request: FetchRequest): Promise<FetchedPartition[]> {
      return [
        {
          topicId,
          partition: 0,
          error: null,
          highWatermark: logEnd,
          logStartOffset: 0,
          logAppendTime: false,
          batches: answer(request),
          nextOffset: logEnd,
          fetchedBytes: 0,
          preferredReadReplica: -1,
        },
      ];
    },
    async offsets(): Promise<Map<number, number>> {
      throw new Error("not asked");
    },
    async describeTopics(): Promise<Map<string, TopicInfo>> {
      throw new Error("not asked");
    },
    async close(): Promise<void> {},
  };
}
