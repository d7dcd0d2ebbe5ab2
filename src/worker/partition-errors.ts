/**
 * A read worker's policy for partitions that cannot be read right now: what passes by itself is
 * retried within the retry budget (looking up leaders again, reconnecting every few failures),
 * what the user must decide is a ConfigError naming topic, partition and offset, and a topic
 * deleted while tailing ends its stream while the others go on. A replica read from instead of
 * the leader (read-replica.ts) that fails sends its partitions back to their leaders.
 */
import { ConfigError, TransientError } from "../errors.ts";
import { transientPartitionErrors } from "../kafka/error-codes.ts";
import { describePartitions, forgetReplica, isReplica } from "./read-replica.ts";
import type { Position, TopicInfo, WorkerState } from "./state.ts";

/** Failures in a row after which the client starts afresh. */
export const reconnectEvery = 5;

/** How long a partition may have data waiting without a fetch bringing any before the client reconnects. */
export const stallLimitMs = 15_000;

/** Acts on the error Kafka answered for one partition of a fetch. */
export async function handlePartitionError(worker: WorkerState, position: Position, error: string): Promise<void> {
  const where = `${position.topic} partition ${position.partition}`;
  if (error === "OFFSET_OUT_OF_RANGE") return offsetOutOfRange(worker, position, error);
  if (transientPartitionErrors.has(error)) return retryLater(worker, [position], error);
  if (error === "UNKNOWN_TOPIC_OR_PARTITION" || error === "UNKNOWN_TOPIC_ID") {
    // A broker that has just restarted may not know the partition yet: only the cluster's
    // metadata can tell that the topic is gone.
    const gone = await deleted(worker, position).catch((e: unknown) =>
      e instanceof TransientError ? undefined : Promise.reject(e),
    );
    if (gone === undefined) return retryLater(worker, [position], error);
    if (!gone) {
      // Odd unless the broker is just starting: say so at once rather than only when the budget runs out.
      const odd = `broker ${position.leader} answered ${error} for ${where}, though the cluster's metadata lists the topic`;
      if (!position.unknownWarned) {
        position.unknownWarned = true;
        worker.post({
          type: "log",
          level: "WARN",
          message: `${odd}; retrying for up to ${worker.start.retryBudgetMs / 1000} s (a restarting broker may not know it yet; if this lasts, the broker does not serve the topic as it is named in the fetch)`,
        });
      }
      return retryLater(worker, [position], odd);
    }
    if (position.to !== null) {
      throw new ConfigError(
        `topic ${position.topic} was deleted during the read (partition ${position.partition} was at offset ${position.next} of ${position.to})`,
      );
    }
    return endTopic(worker, position);
  }
  throw new ConfigError(`${where}: Kafka answered ${error}`);
}

async function offsetOutOfRange(worker: WorkerState, position: Position, error: string): Promise<void> {
  const where = `${position.topic} partition ${position.partition}`;
  // Asked at once, a broker has answered OFFSET_OUT_OF_RANGE for a new partition's offset 0
  // (saying the range is -1..-1): believe it only when the partition's offsets confirm it.
  const earliest =
    (await worker.client.offsets(position.topic, [position.partition], "earliest")).get(position.partition) ?? 0;
  const latest =
    (await worker.client.offsets(position.topic, [position.partition], "latest")).get(position.partition) ?? 0;
  if (position.next >= earliest && position.next <= latest)
    return retryLater(worker, [position], `${error} for offset ${position.next} of ${earliest}..${latest}`);
  if (worker.start.onOutOfRange === "earliest") {
    worker.post({
      type: "log",
      level: "WARN",
      message: `${where}: offset ${position.next} is no longer kept; reset to earliest ${earliest}, skipping ${Math.max(0, earliest - position.next)} offsets`,
    });
    position.next = earliest;
    return;
  }
  throw new ConfigError(
    `${where}: offset ${position.next} is out of range (available ${earliest}..${latest}); retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead`,
  );
}

/**
 * A fetch of `group` from `node` got no answer (`reason`: the broker is down, unreachable, not in
 * the metadata): partitions read from it as a replica go back to their leaders, the others wait
 * and retry.
 */
export async function fetchFailed(worker: WorkerState, node: number, group: Position[], reason: string): Promise<void> {
  const [fromReplica, fromLeader] = [group.filter((p) => isReplica(p, node)), group.filter((p) => !isReplica(p, node))];
  if (fromReplica.length > 0) await leaveReplica(worker, fromReplica, node, `failed: ${reason}`);
  if (fromLeader.length > 0) await retryLater(worker, fromLeader, reason);
}

/**
 * `node`, the replica `group` was read from, failed it: answered an error, or did not answer.
 * A replica's answer is never final (a follower may lag its leader, so OFFSET_OUT_OF_RANGE above
 * its high watermark or below its log start says nothing of the partition; it may have lost the
 * partition, or be gone), so the partitions go back to their leaders, whose answer is, as Kafka's
 * Java consumer does. The first time at once, and free; a partition failed by a replica again
 * before anything was read (its leader named it again, e.g. until the controller fences a crashed
 * broker) also waits and counts against the retry budget, as when a leader cannot serve.
 */
export async function leaveReplica(worker: WorkerState, group: Position[], node: number, what: string): Promise<void> {
  const again: Position[] = [];
  for (const p of group) {
    forgetReplica(p);
    if (p.failures === 0) p.failures = 1;
    else again.push(p);
  }
  worker.post({
    type: "log",
    level: "INFO",
    message: `${describePartitions(group)}: reading from the leader again; broker ${node}, the replica read from, ${what}`,
  });
  if (again.length > 0) await retryLater(worker, again, `broker ${node}, the replica the leader named, ${what}`);
}

/**
 * Counts a failure against the budget of each of `group`'s partitions, sets when each tries
 * next, and looks up their leaders again (a restarted broker or an election moves them).
 */
export async function retryLater(worker: WorkerState, group: Position[], reason: string): Promise<void> {
  // An error that persists through several tries may be state held for this client (a
  // connection, its metadata): start afresh with a new client every few failures.
  if (group.some((p) => ++p.failures % reconnectEvery === 0)) await reconnect(worker);
  for (const p of group) {
    const delay = p.retry.failed();
    if (delay === null) {
      throw new TransientError(
        `${p.topic} partition ${p.partition}: no broker served it for ${Math.round(p.retry.failingForMs() / 1000)} s ` +
          `(retry_budget_ms is ${worker.start.retryBudgetMs}); last error: ${reason}`,
      );
    }
    p.notBefore = Date.now() + delay;
  }
  let topics: Map<string, TopicInfo>;
  try {
    topics = await worker.client.describeTopics([...new Set(group.map((p) => p.topic))]);
  } catch (error) {
    // The cluster is not answering metadata either: keep the leaders we know and try again later.
    if (error instanceof TransientError) return;
    throw error;
  }
  for (const p of group) {
    const info = topics.get(p.topic)?.partitions[p.partition];
    if (info && info.leader >= 0) {
      p.leader = info.leader;
      p.leaderEpoch = info.leaderEpoch;
    }
  }
}

/**
 * A partition with data waiting that successive fetches leave out is not being served (fetches
 * open no incremental session, so it is not KIP-227's lost partition, but a broker or replica
 * that keeps answering empty). Counting that against the retry budget and reconnecting turns a
 * silent hang into a retry, and past the budget into a transient error.
 */
export async function watchForStalls(
  worker: WorkerState,
  group: Position[],
  before: Map<Position, number>,
  now = Date.now(),
): Promise<void> {
  const stalled: Position[] = [];
  for (const p of group) {
    const waiting = (p.to ?? p.end) > p.next;
    if (!waiting || p.next !== before.get(p)) {
      p.stalledSince = null;
      continue;
    }
    p.stalledSince ??= now;
    if (now - p.stalledSince >= stallLimitMs) stalled.push(p);
  }
  if (stalled.length === 0) return;
  const where = stalled
    .map((p) => `${p.topic} partition ${p.partition} at offset ${p.next} of ${p.to ?? p.end}`)
    .join(", ");
  worker.post({
    type: "log",
    level: "WARN",
    message: `no data for ${stallLimitMs / 1000} s from ${where}; reconnecting`,
  });
  for (const p of stalled) {
    p.stalledSince = null;
    // A replica that serves nothing may lag far behind: its leader will serve, or name another.
    forgetReplica(p);
  }
  await reconnect(worker);
  await retryLater(worker, stalled, `no data served for ${stallLimitMs / 1000} s`);
}

async function reconnect(worker: WorkerState): Promise<void> {
  await worker.client.close();
  worker.client = worker.connect();
}

/** True when the cluster no longer has the position's topic (or has a new topic of that name). */
async function deleted(worker: WorkerState, position: Position): Promise<boolean> {
  const topic = (await worker.client.describeTopics([position.topic])).get(position.topic);
  return topic === undefined || topic.id !== position.topicId;
}

/**
 * Tailing, a deleted topic's partitions stop here; the other topics go on, and the final STATE
 * keeps where they stopped. By id: a topic created again under the name is another topic, which
 * the main thread hands out afresh.
 */
function endTopic(worker: WorkerState, gone: Position): void {
  worker.ended.add(gone.topicId);
  const stopped = worker.positions.filter((p) => p.topicId === gone.topicId);
  worker.positions = worker.positions.filter((p) => p.topicId !== gone.topicId);
  const where = stopped.map((p) => `partition ${p.partition} at offset ${p.next}`).join(", ");
  worker.post({
    type: "log",
    level: "WARN",
    message: `topic ${gone.topic} was deleted; its partitions stop here (${where}) while the others go on`,
  });
  worker.post({ type: "ended", topic: gone.topic, topicId: gone.topicId });
}
