/**
 * discover's last guard on each stream it emits (src/commands/discover.ts): one topic's odd schema never
 * makes the CATALOG line unparseable for every topic.
 *
 *   parseable({ name: "t", json_schema: { description: "\ud800" } })  // the stream describing _meta only, and a WARN
 */
import { metaJsonSchema } from "../decode/document.ts";
import { documentJsonSchema } from "../json-schema/document.ts";
import { protocolLog } from "../log.ts";

/**
 * The stream as it is when every consumer parses its part of the CATALOG line (well-formed Unicode,
 * nesting far inside pydantic's 200 levels); else the stream describing `_meta` only, with a WARN.
 * Schemas are bounded already (src/json-schema/bounds.ts): this catches what a registered schema
 * holds beyond them, such as a lone surrogate in a description or `anyOf`s nested without end.
 */
export function parseable<T extends { name: string; json_schema: unknown }>(stream: T): T {
  const problem = problemIn(stream.json_schema, 0);
  if (problem === undefined) return stream;
  protocolLog("WARN", `discover: the schema of ${stream.name} holds ${problem}; its stream describes _meta only`);
  return { ...stream, json_schema: documentJsonSchema(undefined, metaJsonSchema) };
}

/** The JSON levels a stream's schema may take in the CATALOG line, which adds 5 of its own (pydantic stops at 200). */
export const maxCatalogNesting = 100;

/** What in `value` (at `depth`) a consumer could not parse; undefined when nothing. */
function problemIn(value: unknown, depth: number): string | undefined {
  if (typeof value === "string") return value.isWellFormed() ? undefined : "a string that is not well-formed Unicode";
  if (typeof value !== "object" || value === null) return undefined;
  if (depth >= maxCatalogNesting) return `nesting deeper than ${maxCatalogNesting} levels`;
  for (const [key, item] of Object.entries(value)) {
    const problem = problemIn(key, depth) ?? problemIn(item, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}
