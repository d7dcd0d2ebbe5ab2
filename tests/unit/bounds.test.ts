/**
 * Discovered schemas stay within what destinations can name and hold and what the CATALOG line's
 * parsers accept, whatever the sample or the registered schema holds (src/json-schema/bounds.ts,
 * infer.ts).
 */
import { describe, expect, test } from "bun:test";
import { metaJsonSchema } from "../../src/decode/document.ts";
import { boundedSchema, maxColumns, maxSchemaDepth } from "../../src/json-schema/bounds.ts";
import { documentJsonSchema } from "../../src/json-schema/document.ts";
import { inferJsonSchema } from "../../src/json-schema/infer.ts";

/** How deep a JSON value nests, containers counted. */
function depthOf(value: unknown): number {
  if (typeof value !== "object" || value === null) return 0;
  return 1 + Math.max(0, ...Object.values(value).map(depthOf));
}

describe("bounded schemas", () => {
  test("declare the first 1,000 properties of an object", () => {
    const wide = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`k${i}`, i]));
    const schema = documentJsonSchema(inferJsonSchema([wide]), metaJsonSchema);
    const names = Object.keys(schema.properties as object);
    expect(names.filter((n) => n.startsWith("k"))).toEqual(Array.from({ length: maxColumns }, (_, i) => `k${i}`));
  });

  test("declare no name a destination cannot make a column of, at any depth", () => {
    const value = { "": 1, "!": 2, 名前: 3, Id: 4, id: 5, _airbyte_meta: 6, ok: { "": 1, a: 2, A: 3 }, _meta: 1 };
    const schema = documentJsonSchema(inferJsonSchema([value]), metaJsonSchema);
    const properties = schema.properties as Record<string, { properties?: object }>;
    expect(Object.keys(properties).sort()).toEqual(["Id", "_kafka_offset", "_kafka_partition", "_meta", "ok"]);
    expect(Object.keys(properties.ok!.properties!)).toEqual(["a"]);
  });

  test("declare _other_fields, where the documents hold it", () => {
    const schema = documentJsonSchema(inferJsonSchema([{ a: 1, _other_fields: { "": 2 } }]), metaJsonSchema);
    expect((schema.properties as Record<string, unknown>)._other_fields).toEqual({ type: "object", properties: {} });
  });

  test("leave open what lies below 16 levels, so that the CATALOG line stays shallow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 60; i++) deep = i % 2 === 0 ? [deep] : { a: deep };
    const schema = boundedSchema(inferJsonSchema([{ deep }]));
    // Two JSON levels a level of data (properties, then the property), and the leaf left open.
    expect(depthOf(schema)).toBeLessThanOrEqual(2 * (maxSchemaDepth + 1) + 1);
    const line = JSON.stringify({ type: "CATALOG", catalog: { streams: [{ json_schema: schema }] } });
    expect(depthOf(JSON.parse(line))).toBeLessThan(60);
  });

  test("keep required to the properties kept", () => {
    const schema = boundedSchema({
      type: "object",
      required: ["", "a"],
      properties: { "": { type: "string" }, a: { type: "integer" } },
    });
    expect(schema).toEqual({ type: "object", properties: { a: { type: "integer" } }, required: ["a"] });
  });
});

describe("inferred types", () => {
  test("a place holding a container and other types is an object: a JSON column holds every value", () => {
    const schema = inferJsonSchema([{ u: 1 }, { u: "x" }, { u: { a: 1 } }, { u: [2] }, {}]);
    expect((schema.properties as Record<string, unknown>).u).toEqual({
      type: ["object", "null"],
      description:
        "Values of several JSON types (object, array, string, integer) were seen here: a JSON column holds each.",
    });
  });

  test("scalars of several types stay a list of types", () => {
    const schema = inferJsonSchema([{ u: 1 }, { u: "x" }]);
    expect((schema.properties as Record<string, unknown>).u).toEqual({ type: ["string", "integer"] });
  });
});
