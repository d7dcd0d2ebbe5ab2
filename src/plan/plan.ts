/**
 * The read plan: for every stream of the catalog, the partitions this instance owns, where each
 * starts (state, or the configured start position) and, in batch mode, where it ends (the end
 * of the log when the read starts).
 */
import type { Catalog } from "../catalog/catalog.ts";
import type { Config } from "../config/config.ts";
import { ConfigError, TransientError } from "../errors.ts";
import type { KafkaClient, TopicInfo } from "../kafka/client.ts";
import { ownedPartitions } from "./assign.ts";
import type { Range } from "./range.ts";
import type { ResumeState } from "../state/parse.ts";
import type { Assignment } from "../worker/messages.ts";

export type Plan = {
  assignments: Assignment[];
  /** Start offsets of every stream's partitions, carried state included: the first STATE's content. */
  startState: Map<string, Map<number, number>>;
  warnings: string[];
};

export async function planRead(
  client: KafkaClient,
  config: Config,
  catalog: Catalog,
  state: ResumeState,
  range: Range,
  tail: boolean,
): Promise<Plan> {
  const topics = await client.describeTopics(catalog.streams.map((s) => s.name));
  // A broker too old to be read fails here, before any worker starts.
  await client.ensureReadable();
  const plan: Plan = { assignments: [], startState: new Map(), warnings: [] };
  for (const stream of catalog.streams) {
    const topic = topics.get(stream.name);
    if (!topic) throw new ConfigError(`catalog: stream ${JSON.stringify(stream.name)} has no topic of that name in the cluster`);
    const saved = stream.syncMode === "incremental" ? (state.get(stream.name) ?? new Map()) : new Map<number, number>();
    const carried = new Map(saved);
    plan.startState.set(stream.name, carried);
    const owned = ownedPartitions(topic.name, topic.partitions.map((p) => p.partition), range);
    if (owned.length === 0) continue;
    for (const assignment of await partitionStarts(client, config, topic, owned, saved, tail, plan.warnings)) {
      carried.set(assignment.partition, assignment.from);
      plan.assignments.push(assignment);
    }
  }
  return plan;
}

/** Start and end offsets of the owned partitions of one topic. */
export async function partitionStarts(
  client: KafkaClient,
  config: Config,
  topic: TopicInfo,
  owned: number[],
  saved: Map<number, number>,
  tail: boolean,
  warnings: string[],
): Promise<Assignment[]> {
  const earliest = await client.offsets(topic.name, owned, "earliest");
  const latest = await client.offsets(topic.name, owned, "latest");
  const fresh = owned.filter((p) => !saved.has(p));
  const configured =
    fresh.length === 0 || config.start_position === "earliest"
      ? earliest
      : config.start_position === "latest"
        ? latest
        : await client.offsets(topic.name, fresh, Date.parse(config.start_timestamp!));
  return owned.map((partition) => {
    const info = topic.partitions[partition];
    // Metadata that lists a partition number without its partition is a cluster mid-change: ask again.
    if (!info) throw new TransientError(`the cluster's metadata for ${topic.name} lacks partition ${partition}`);
    const low = earliest.get(partition)!;
    const high = latest.get(partition)!;
    let from = saved.get(partition) ?? configured.get(partition)!;
    if (saved.has(partition) && (from < low || from > high)) {
      const where = `${topic.name} partition ${partition}`;
      if (config.on_offset_out_of_range === "fail") {
        throw new ConfigError(
          `state: ${where} wants offset ${from}, but the partition holds ${low}..${high}; retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead`,
        );
      }
      warnings.push(`${where}: offset ${from} is no longer kept (available ${low}..${high}); reset to earliest ${low}, skipping ${Math.max(0, low - from)} offsets`);
      from = low;
    }
    return {
      topic: topic.name,
      topicId: topic.id,
      partition,
      leader: info.leader,
      leaderEpoch: info.leaderEpoch,
      from,
      to: tail ? null : Math.max(from, high),
    };
  });
}
