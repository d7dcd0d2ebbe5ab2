/**
 * A registered JSON Schema with its `$ref`s replaced by what they point at: within the schema
 * (`#/definitions/x`) and into the schemas of other subjects it references (`customer.json`,
 * `customer.json#/definitions/address`, by the reference's name). The stream's schema then stands
 * alone: destinations do not follow references. A reference that recurs inside what it points at
 * is left open ({}) there, as recursive Avro and Protobuf types are; one to anything else (a URL
 * that is no reference of the schema's) is kept as written.
 *
 *   inlineRefs({ properties: { c: { $ref: "customer.json" } } }, new Map([["customer.json", { type: "object" }]]))
 *   // { properties: { c: { type: "object" } } }
 */
import type { JsonSchema } from "./json-schema.ts";

/** Keywords whose values are data, not schemas: left exactly as written. */
const dataKeywords = new Set(["enum", "const", "default", "examples"]);

/** `referenced`: the schemas of other subjects, by the names the schema's references give them. */
export function inlineRefs(schema: JsonSchema, referenced: Map<string, unknown>): JsonSchema {
  const documents = new Map<string, unknown>([["", schema], ...referenced]);
  const walk = (node: unknown, document: string, enclosing: Set<string>): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, document, enclosing));
    if (typeof node !== "object" || node === null) return node;
    const { $ref, ...rest } = node as JsonSchema;
    const out: JsonSchema = {};
    if (typeof $ref === "string") {
      const target = locate($ref, document, documents);
      if (target === undefined) out.$ref = $ref;
      else if (enclosing.has(target.key)) return {};
      else {
        const inlined = walk(target.node, target.document, new Set(enclosing).add(target.key));
        Object.assign(out, target.key.endsWith("#") && target.document !== "" ? documentBody(inlined) : inlined);
      }
    }
    for (const [key, value] of Object.entries(rest))
      out[key] = dataKeywords.has(key) ? value : walk(value, document, enclosing);
    return out;
  };
  return walk(schema, "", new Set()) as JsonSchema;
}

/** What `ref`, found in `document`, points at; undefined for a document that is not among them. */
function locate(
  ref: string,
  document: string,
  documents: Map<string, unknown>,
): { key: string; document: string; node: unknown } | undefined {
  const hash = ref.indexOf("#");
  const name = hash < 0 ? ref : ref.slice(0, hash);
  const fragment = hash < 0 ? "" : ref.slice(hash + 1);
  const target = name === "" ? document : name;
  let node = documents.get(target);
  if (node === undefined) return undefined;
  if (fragment !== "") {
    if (!fragment.startsWith("/")) return undefined;
    for (const token of fragment.slice(1).split("/")) {
      const key = decodeURIComponent(token).replaceAll("~1", "/").replaceAll("~0", "~");
      if (typeof node !== "object" || node === null || !(key in node)) throw new Error(`$ref ${ref} points at nothing`);
      node = (node as JsonSchema)[key];
    }
  }
  return { key: `${target}#${fragment}`, document: target, node };
}

/**
 * Another subject's whole schema, inlined: without its `$schema` and `$id`, which would change how
 * the enclosing schema is read, and its definitions, inlined already wherever they were used.
 */
function documentBody(schema: unknown): unknown {
  if (typeof schema !== "object" || schema === null || Array.isArray(schema)) return schema;
  const { $schema: _schema, $id: _id, definitions: _definitions, $defs: _defs, ...rest } = schema as JsonSchema;
  return rest;
}
