/** Kafka's error codes by name, and which of them pass by themselves. */
const kafkaErrorNames: Record<number, string> = {
  1: "OFFSET_OUT_OF_RANGE",
  3: "UNKNOWN_TOPIC_OR_PARTITION",
  5: "LEADER_NOT_AVAILABLE",
  6: "NOT_LEADER_OR_FOLLOWER",
  7: "REQUEST_TIMED_OUT",
  9: "REPLICA_NOT_AVAILABLE",
  17: "INVALID_TOPIC_EXCEPTION",
  29: "TOPIC_AUTHORIZATION_FAILED",
  56: "KAFKA_STORAGE_ERROR",
  74: "FENCED_LEADER_EPOCH",
  75: "UNKNOWN_LEADER_EPOCH",
  78: "OFFSET_NOT_AVAILABLE",
  100: "UNKNOWN_TOPIC_ID",
};

/** Partition errors that pass once leadership settles (a broker restarting, an election): retry after a metadata refresh. */
export const transientPartitionErrors: ReadonlySet<string> = new Set([
  "NOT_LEADER_OR_FOLLOWER",
  "LEADER_NOT_AVAILABLE",
  "FENCED_LEADER_EPOCH",
  "UNKNOWN_LEADER_EPOCH",
  "REQUEST_TIMED_OUT",
  "REPLICA_NOT_AVAILABLE",
  "KAFKA_STORAGE_ERROR",
  "OFFSET_NOT_AVAILABLE",
]);

export function errorName(code: number): string {
  return kafkaErrorNames[code] ?? `KAFKA_ERROR_${code}`;
}
