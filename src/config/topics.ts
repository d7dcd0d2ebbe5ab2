/**
 * Which topics this source covers: `topics` (names) and `topic_pattern` (a regular expression
 * matching whole names, in linear time) select, `topic_exclude_pattern` removes, and internal
 * topics (`__*`) stay out unless `include_internal_topics`. Without `topics` and `topic_pattern`,
 * every topic is selected. discover lists only the selection, check proves it readable, and read
 * refuses a catalog stream outside it.
 */
import type { Config } from "./config.ts";
import { topicPattern } from "./pattern.ts";

/** The config's fields that make up the selection, named in errors about it. */
export type SelectionFields = Pick<
  Config,
  "topics" | "topic_pattern" | "topic_exclude_pattern" | "include_internal_topics"
>;

export type TopicSelection = {
  /** Every name passes `includes` when the config names no topics and no pattern. */
  includes: (name: string) => boolean;
  excludes: (name: string) => boolean;
  internal: boolean;
  /** The names `topics` lists, which must exist. */
  listed: readonly string[];
};

export const isInternal = (name: string) => name.startsWith("__");

export function topicSelection(config: SelectionFields): TopicSelection {
  const listed = new Set(config.topics ?? []);
  const include = config.topic_pattern === undefined ? undefined : topicPattern(config.topic_pattern);
  const exclude = config.topic_exclude_pattern === undefined ? undefined : topicPattern(config.topic_exclude_pattern);
  const all = config.topics === undefined && include === undefined;
  return {
    includes: (name) => all || listed.has(name) || (include?.matches(name) ?? false),
    excludes: (name) => exclude?.matches(name) ?? false,
    internal: config.include_internal_topics,
    listed: [...listed],
  };
}

/** Whether the selection covers `name`: included, not excluded, and not internal unless asked. */
export function selects(selection: TopicSelection, name: string): boolean {
  return selection.includes(name) && !selection.excludes(name) && (selection.internal || !isInternal(name));
}

/** Whether the config narrows the topics at all (beyond leaving internal ones out). */
export const narrows = (config: SelectionFields) =>
  config.topics !== undefined || config.topic_pattern !== undefined || config.topic_exclude_pattern !== undefined;
