/**
 * Shards by index: copy INDEX of COUNT reads the range
 *
 *   begin = floor(INDEX × 2³² / COUNT),  end = floor((INDEX + 1) × 2³² / COUNT) − 1
 *
 * so that COUNT copies tile the 32-bit hash space exactly: each copy's end is one before the next
 * copy's begin, the first begins at 00000000 and the last ends at ffffffff. Ranges differ in size
 * by at most one hash. docs/range.md documents the formula.
 */
import { ConfigError } from "../errors.ts";
import type { Range } from "./range.ts";

/** Beyond this a copy's range would hold under 65536 hashes: no cluster has partitions enough to use it. */
export const maxShardCount = 65536;

const space = 2 ** 32;

/**
 * The range of copy `index` of `count`; both already checked (0 ≤ index < count ≤ maxShardCount).
 *
 * @example
 * shardRange(1, 3) // { begin: 0x55555555, end: 0xaaaaaaa9 }
 */
export function shardRange(index: number, count: number): Range {
  // index × 2³² stays below 2⁴⁸: exact in a double.
  return { begin: Math.floor((index * space) / count), end: Math.floor(((index + 1) * space) / count) - 1 };
}

/** Where a shard came from, as the user wrote it: the name every error about it carries. */
export type ShardSource = "--shard" | "SOURCE_KAFKA_SHARD" | "--shard-count" | "SOURCE_KAFKA_SHARD_COUNT";

export type Shard = { index: number; count: number; source: ShardSource; range: Range };

const decimal = /^(0|[1-9]\d{0,9})$/;

/** Parses `INDEX/COUNT` given by `source`. */
export function parseShard(text: string, source: ShardSource): Shard {
  const [index = "", count = "", ...rest] = text.trim().split("/");
  if (rest.length > 0 || !decimal.test(index) || !decimal.test(count)) {
    throw new ConfigError(`${source} must be INDEX/COUNT such as 0/4, got ${quote(text)}`);
  }
  return checked(Number(index), count, source);
}

/**
 * The shard this copy reads, from (first found) `--shard INDEX/COUNT`, `SOURCE_KAFKA_SHARD=INDEX/COUNT`,
 * or a count (`--shard-count` or `SOURCE_KAFKA_SHARD_COUNT`) with the index Kubernetes gives each
 * pod of an Indexed Job (`JOB_COMPLETION_INDEX`); undefined when none is given.
 */
export function resolveShard(
  flags: { shard?: string; shardCount?: string },
  env: Record<string, string | undefined>,
): Shard | undefined {
  if (flags.shard !== undefined && flags.shardCount !== undefined) {
    throw new ConfigError("--shard cannot be combined with --shard-count: --shard already gives the count");
  }
  if (flags.shard !== undefined) return parseShard(flags.shard, "--shard");
  const count =
    flags.shardCount !== undefined
      ? { text: flags.shardCount, source: "--shard-count" as const }
      : env.SOURCE_KAFKA_SHARD_COUNT !== undefined
        ? { text: env.SOURCE_KAFKA_SHARD_COUNT, source: "SOURCE_KAFKA_SHARD_COUNT" as const }
        : undefined;
  if (count === undefined) {
    const shard = env.SOURCE_KAFKA_SHARD;
    return shard === undefined || shard === "" ? undefined : parseShard(shard, "SOURCE_KAFKA_SHARD");
  }
  if (env.SOURCE_KAFKA_SHARD !== undefined && env.SOURCE_KAFKA_SHARD !== "") {
    throw new ConfigError(`${count.source} cannot be combined with SOURCE_KAFKA_SHARD, which already gives the count`);
  }
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined || !decimal.test(index.trim())) {
    throw new ConfigError(
      `${count.source} needs this copy's index in JOB_COMPLETION_INDEX (set by a Kubernetes Indexed Job), got ${index === undefined ? "nothing" : quote(index)}`,
    );
  }
  if (!decimal.test(count.text.trim()))
    throw new ConfigError(`${count.source} must be a whole number, got ${quote(count.text)}`);
  return checked(Number(index.trim()), count.text.trim(), count.source);
}

function checked(index: number, countText: string, source: ShardSource): Shard {
  const count = Number(countText);
  if (count < 1 || count > maxShardCount)
    throw new ConfigError(`${source}: COUNT must be 1 to ${maxShardCount}, got ${count}`);
  if (index >= count)
    throw new ConfigError(`${source}: INDEX must be below COUNT (0 to ${count - 1}), got ${index}/${count}`);
  return { index, count, source, range: shardRange(index, count) };
}

function quote(text: string): string {
  const short = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return short.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
