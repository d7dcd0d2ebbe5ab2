/**
 * Which node a read worker fetches a partition from: its leader, or for a while the replica its
 * leader named (KIP-392, fetch from follower).
 *
 * With client_rack set, every fetch names the rack, and the leader of a partition in a cluster with
 * a rack-aware `replica.selector.class` may answer with no records and a preferred read replica in
 * that rack. The partition is then fetched from that replica until its lease ends, when the leader
 * is asked again (it may name another replica by then, or none), or until the replica fails, when
 * the partition goes back to its leader (partition-errors.ts, `leaveReplica`). Offsets never move
 * on any of these changes, so nothing is skipped or read twice: the next fetch, wherever it goes,
 * asks for the partition's next offset.
 *
 *   const node = fetchNode(position);                  // the leader, or the named replica
 *   if (followReplica(position, 2)) log("now reading from broker 2");
 */
import type { Position } from "./state.ts";

/**
 * How long a named replica is read from before the leader is asked again: the default of Kafka's
 * metadata.max.age.ms, which bounds it in the Java consumer, and librdkafka's fixed lease. Asking
 * again costs one fetch round trip per partition, and lets a leader that now prefers another
 * replica (a new one in the rack, the old one lagging) say so.
 */
export const replicaLeaseMs = 5 * 60_000;

/** The node to fetch `position` from now: the replica its leader named while the lease lasts, else the leader. */
export function fetchNode(position: Position, now = Date.now()): number {
  return position.replica >= 0 && now < position.replicaUntil ? position.replica : position.leader;
}

/** True when `node` is not `position`'s leader: a fetch from it reads the partition from a replica. */
export function isReplica(position: Position, node: number): boolean {
  return node !== position.leader;
}

/**
 * The leader named `replica` to read `position` from: read from it for `replicaLeaseMs`. True when
 * it is another replica than the one named last, false when the lease of that one is renewed.
 */
export function followReplica(position: Position, replica: number, now = Date.now()): boolean {
  const changed = position.replica !== replica;
  position.replica = replica;
  position.replicaUntil = now + replicaLeaseMs;
  return changed;
}

/** Reads `position` from its leader again, from the next fetch on. */
export function forgetReplica(position: Position): void {
  position.replica = -1;
  position.replicaUntil = 0;
}

/** "orders partitions 0, 1 and 4, payments partition 2", the first `max` partitions named and the rest counted. */
export function describePartitions(positions: Position[], max = 10): string {
  const named = positions.slice(0, max);
  const byTopic = Map.groupBy(named, (p) => p.topic);
  const text = [...byTopic]
    .map(([topic, ps]) => {
      const numbers = ps.map((p) => p.partition);
      const list =
        numbers.length === 1 ? String(numbers[0]) : `${numbers.slice(0, -1).join(", ")} and ${numbers.at(-1)}`;
      return `${topic} partition${numbers.length === 1 ? "" : "s"} ${list}`;
    })
    .join(", ");
  const more = positions.length - named.length;
  return more > 0 ? `${text} and ${more} more partitions` : text;
}
