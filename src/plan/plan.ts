/**
 * The read plan: for every stream of the catalog, the partitions this instance owns, where each
 * starts (state, or the configured start position) and, in batch mode, where it ends (the end
 * of the log when the read starts). The decisions are the plan's; the facts they rest on
 * (metadata, offsets) are asked of the cluster through `PlanClient`, so that a fake cluster can
 * drive them in tests/unit/plan.test.ts.
 */
import type { Config } from "../config/config.ts";
import { ConfigError, listNames, TransientError } from "../errors.ts";
import { type KafkaClient, offsetAt, type TopicInfo } from "../kafka/client.ts";
import { ownedPartitions } from "./assign.ts";
import type { Range } from "./range.ts";
import type { ResumeState } from "../state/parse.ts";

/** A partition a worker owns, read from `from` up to (not including) `to`; `to` is null when tailing. */
export type Assignment = {
  topic: string;
  topicId: string;
  partition: number;
  leader: number;
  leaderEpoch: number;
  from: number;
  to: number | null;
  /** The end of the log (last stable offset) when the partition was planned: its lag before the first fetch. */
  logEnd: number;
};

/** What the plan asks of the cluster. */
export type PlanClient = Pick<KafkaClient, "describeTopics" | "fetchVersion" | "offsetsOf">;

/** A stream to plan: its topic, and whether it resumes from state (incremental) or reads all again. */
export type PlannedStream = { name: string; syncMode: "incremental" | "full_refresh" };

/** The config's say in where partitions without state start, and what an offset retention removed means. */
export type StartSettings = Pick<Config, "start_position" | "start_timestamp" | "on_offset_out_of_range">;

export type Plan = {
  assignments: Assignment[];
  /** Start offsets of every stream's partitions, carried state included: the first STATE's content. */
  startState: Map<string, Map<number, number>>;
  warnings: string[];
};

export async function planRead(
  client: PlanClient,
  config: StartSettings,
  streams: PlannedStream[],
  state: ResumeState,
  range: Range,
  tail: boolean,
): Promise<Plan> {
  // One metadata request for every stream: which have no topic is known at once, however many.
  const topics = await client.describeTopics(streams.map((s) => s.name));
  // A broker too old to be read fails here, before any worker starts.
  await client.fetchVersion();
  const missing = streams.filter((s) => !topics.has(s.name)).map((s) => s.name);
  if (missing.length === 1)
    throw new ConfigError(`catalog: stream ${JSON.stringify(missing[0])} has no topic of that name in the cluster`);
  if (missing.length > 1)
    throw new ConfigError(
      `catalog: ${missing.length} streams have no topic of that name in the cluster: ${listNames(missing)}`,
    );
  const plan: Plan = { assignments: [], startState: new Map(), warnings: [] };
  const wanted: TopicStarts[] = [];
  for (const stream of streams) {
    const topic = topics.get(stream.name);
    if (!topic) continue; // none: a stream without a topic failed the plan above
    const saved = stream.syncMode === "incremental" ? (state.get(stream.name) ?? new Map()) : new Map<number, number>();
    plan.startState.set(stream.name, new Map(saved));
    const owned = ownedPartitions(
      topic.name,
      topic.partitions.map((p) => p.partition),
      range,
    );
    if (owned.length > 0) wanted.push({ topic, owned, saved });
  }
  for (const assignment of await partitionStarts(client, config, wanted, tail, plan.warnings)) {
    plan.startState.get(assignment.topic)?.set(assignment.partition, assignment.from);
    plan.assignments.push(assignment);
  }
  return plan;
}

/** A topic's partitions this instance owns, and the offsets its state saved for them. */
export type TopicStarts = { topic: TopicInfo; owned: number[]; saved: Map<number, number> };

/**
 * Start and end offsets of the owned partitions of each topic, asked of the cluster for all
 * topics together (a ListOffsets request per broker, not per topic).
 */
export async function partitionStarts(
  client: PlanClient,
  config: StartSettings,
  topics: TopicStarts[],
  tail: boolean,
  warnings: string[],
): Promise<Assignment[]> {
  const all = new Map(topics.map((t) => [t.topic.name, t.owned]));
  const earliest = await client.offsetsOf(all, "earliest");
  const latest = await client.offsetsOf(all, "latest");
  const fresh = new Map(topics.map((t) => [t.topic.name, t.owned.filter((p) => !t.saved.has(p))]));
  const anyFresh = [...fresh.values()].some((partitions) => partitions.length > 0);
  const configured =
    !anyFresh || config.start_position === "earliest"
      ? earliest
      : config.start_position === "latest"
        ? latest
        : await client.offsetsOf(fresh, Date.parse(config.start_timestamp ?? ""));
  return topics.flatMap(({ topic, owned, saved }) =>
    owned.map((partition) => {
      const info = topic.partitions[partition];
      // Metadata that lists a partition number without its partition is a cluster mid-change: ask again.
      if (!info) throw new TransientError(`the cluster's metadata for ${topic.name} lacks partition ${partition}`);
      const low = offsetAt(earliest, topic.name, partition);
      const high = offsetAt(latest, topic.name, partition);
      let from = saved.get(partition) ?? offsetAt(configured, topic.name, partition);
      if (saved.has(partition) && (from < low || from > high)) {
        const where = `${topic.name} partition ${partition}`;
        if (config.on_offset_out_of_range === "fail") {
          throw new ConfigError(
            `state: ${where} wants offset ${from}, but the partition holds ${low}..${high}; retention may have removed it. Set on_offset_out_of_range to earliest to skip ahead`,
          );
        }
        warnings.push(
          `${where}: offset ${from} is no longer kept (available ${low}..${high}); reset to earliest ${low}, skipping ${Math.max(0, low - from)} offsets`,
        );
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
        logEnd: high,
      };
    }),
  );
}
