/**
 * The configured catalog `read` is given: which streams (topics) to read, in which sync mode,
 * and the range extension's `range` and `tail` (also spelled as Estuary does).
 */
import * as v from "valibot";
import { ValueEnvelope } from "../config/config.ts";
import { ConfigError } from "../errors.ts";
import { validate } from "../input/validate.ts";
import { fullRange, parseRange, type Range } from "../plan/range.ts";

const ConfiguredStream = v.object({
  stream: v.object({
    name: v.pipe(
      v.string(),
      v.minLength(1, "must not be empty"),
      v.maxLength(249, "is longer than Kafka's 249-character topic limit"),
    ),
  }),
  sync_mode: v.picklist(["full_refresh", "incremental"], "must be full_refresh or incremental"),
  /** Overrides the config's value_envelope for this stream. */
  value_envelope: v.optional(ValueEnvelope),
});

const CatalogSchema = v.object({
  streams: v.pipe(v.array(ConfiguredStream), v.minLength(1, "must list at least one stream")),
  range: v.optional(v.unknown()),
  tail: v.optional(v.boolean()),
  "estuary.dev/range": v.optional(v.unknown()),
  "estuary.dev/tail": v.optional(v.boolean()),
});

export type CatalogStream = {
  name: string;
  syncMode: "full_refresh" | "incremental";
  valueEnvelope?: v.InferOutput<typeof ValueEnvelope>;
};

export type Catalog = {
  streams: CatalogStream[];
  range: Range;
  /** The field the range came from, when the catalog gives one. */
  rangeField?: "range" | "estuary.dev/range";
  tail: boolean;
};

export function parseCatalog(input: unknown): Catalog {
  const catalog = validate(CatalogSchema, input, "catalog");
  const streams: CatalogStream[] = catalog.streams.map((s) => ({
    name: s.stream.name,
    syncMode: s.sync_mode,
    ...(s.value_envelope === undefined ? {} : { valueEnvelope: s.value_envelope }),
  }));
  const names = new Set<string>();
  for (const { name } of streams) {
    if (names.has(name)) throw new ConfigError(`catalog: streams lists ${JSON.stringify(name)} twice`);
    names.add(name);
  }
  const rangeField = catalog.range !== undefined ? "range" : ("estuary.dev/range" as const);
  const rawRange = catalog.range ?? catalog["estuary.dev/range"];
  return {
    streams,
    range: rawRange === undefined ? fullRange : parseRangeObject(rawRange, `catalog: ${rangeField}`),
    ...(rawRange === undefined ? {} : { rangeField }),
    tail: catalog.tail ?? catalog["estuary.dev/tail"] ?? false,
  };
}

function parseRangeObject(value: unknown, field: string): Range {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new ConfigError(`${field} must be an object with begin and end`);
  }
  const { begin, end } = value as Record<string, unknown>;
  return parseRange(begin, end, field);
}
