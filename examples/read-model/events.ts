/** Account events as Kafka messages: keyed by account, so each account's events stay in order. */
import type { TestMessage } from "../../harness/topics.ts";
import type { AccountEvent } from "./loader.ts";

export type { AccountEvent };

/** The partition an account's events go to: a stable hash of its name, as a keyed producer would. */
export function partitionOf(account: string, partitions: number): number {
  let hash = 0;
  for (const char of account) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return hash % partitions;
}

export function eventMessages(events: AccountEvent[], partitions: number): TestMessage[] {
  return events.map((e) => ({
    partition: partitionOf(e.account, partitions),
    key: e.account,
    value: JSON.stringify(e),
  }));
}
