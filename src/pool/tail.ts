/**
 * A tailing read's main loop, beside the pool it drives: a STATE on a timer, and on each metadata
 * refresh the partitions born since the read began (read from their start) or a topic deleted and
 * created again under its name (its stream goes on with the new topic), until a signal stops the pool.
 */
import type { Config } from "../config/config.ts";
import type { KafkaClient } from "../kafka/client.ts";
import { protocolLog } from "../log.ts";
import { ownedPartitions } from "../plan/assign.ts";
import { type Assignment, partitionStarts } from "../plan/plan.ts";
import type { Range } from "../plan/range.ts";
import type { Pool } from "./pool.ts";

/** Tailing: checkpoint on a timer and pick up new partitions on each metadata refresh, until stopped. */
export async function tailUntilSignal(
  pool: Pool,
  client: KafkaClient,
  config: Config,
  streams: { name: string }[],
  assignments: Assignment[],
  range: Range,
): Promise<void> {
  // By topic id: a topic deleted and created again under its name is a new topic.
  const known = new Set(assignments.map((a) => `${a.topicId}\u0000${a.partition}`));
  const checkpointTimer = setInterval(() => void pool.checkpoint(), config.checkpoint_interval_ms);
  const refreshTimer = setInterval(() => {
    refresh().catch((error) => protocolLog("WARN", `metadata refresh failed: ${(error as Error).message}`));
  }, config.metadata_refresh_ms);
  async function refresh(): Promise<void> {
    const topics = await client.describeTopics(streams.map((s) => s.name));
    for (const topic of topics.values()) {
      const owned = ownedPartitions(
        topic.name,
        topic.partitions.map((p) => p.partition),
        range,
      );
      const fresh = owned.filter((p) => !known.has(`${topic.id}\u0000${p}`));
      if (fresh.length === 0) continue;
      // A partition born after the read began is read from its start, whatever the start position.
      const added = await partitionStarts(
        client,
        { ...config, start_position: "earliest" },
        [{ topic, owned: fresh, saved: new Map() }],
        true,
        [],
      );
      for (const a of added) known.add(`${a.topicId}\u0000${a.partition}`);
      const previous = pool.topicId(topic.name);
      if (previous !== undefined && previous !== topic.id) {
        protocolLog(
          "WARN",
          `topic ${topic.name} was deleted and created again; its stream goes on with the new topic, from its start`,
        );
        pool.restart(topic.name, topic.id, added, owned);
      } else {
        protocolLog("INFO", `picked up ${added.length} new partitions of ${topic.name}`);
        pool.add(added);
      }
    }
  }
  try {
    await pool.done;
  } finally {
    clearInterval(checkpointTimer);
    clearInterval(refreshTimer);
  }
}
