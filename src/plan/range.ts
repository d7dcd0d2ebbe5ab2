/**
 * The range extension: every (topic, partition) has a stable 32-bit hash, and an instance given
 * the inclusive range [begin, end] reads exactly the partitions whose hash falls inside it.
 *
 * hash(topic, partition) = fmix32(fnv1a32(utf8(topic) ++ 0x00 ++ u32be(partition)))
 *
 * FNV-1a alone leaves consecutive partition numbers close together in the hash space; the
 * murmur3 finaliser (fmix32) spreads them, so partitions 0..N-1 divide evenly between ranges.
 * docs/range.md lists test vectors that pin this function; changing it would move partitions
 * between running instances, so it must never change.
 */
import { ConfigError } from "../errors.ts";

export type Range = { begin: number; end: number };

export const fullRange: Range = { begin: 0, end: 0xffffffff };

const encoder = new TextEncoder();

export function partitionHash(topic: string, partition: number): number {
  const name = encoder.encode(topic);
  const bytes = new Uint8Array(name.length + 5);
  bytes.set(name, 0);
  new DataView(bytes.buffer).setUint32(name.length + 1, partition >>> 0, false);
  return fmix32(fnv1a32(bytes));
}

function fnv1a32(bytes: Uint8Array): number {
  let hash = 0x811c9dc5;
  for (const byte of bytes) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function inRange(range: Range, topic: string, partition: number): boolean {
  const hash = partitionHash(topic, partition);
  return hash >= range.begin && hash <= range.end;
}

const hex8 = /^[0-9a-fA-F]{8}$/;

/** Parses a range from its parts; `field` names where it came from for the error. */
export function parseRange(begin: unknown, end: unknown, field: string): Range {
  if (typeof begin !== "string" || !hex8.test(begin)) {
    throw new ConfigError(`${field}.begin must be 8 hex digits such as 00000000, got ${describe(begin)}`);
  }
  if (typeof end !== "string" || !hex8.test(end)) {
    throw new ConfigError(`${field}.end must be 8 hex digits such as ffffffff, got ${describe(end)}`);
  }
  const range = { begin: Number.parseInt(begin, 16), end: Number.parseInt(end, 16) };
  if (range.begin > range.end) throw new ConfigError(`${field}: begin ${begin} is after end ${end}`);
  return range;
}

/** Parses the command line's `--range BEGIN-END`. */
export function parseRangeFlag(text: string): Range {
  const parts = text.split("-");
  if (parts.length !== 2)
    throw new ConfigError(`--range must be BEGIN-END with 8 hex digits each, got ${describe(text)}`);
  return parseRange(parts[0], parts[1], "--range");
}

export const formatRange = (range: Range) =>
  `${range.begin.toString(16).padStart(8, "0")}-${range.end.toString(16).padStart(8, "0")}`;

function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === undefined ? "nothing" : typeof value;
}
