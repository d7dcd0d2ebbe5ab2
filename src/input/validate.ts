/** Turns a valibot failure into one ConfigError that names the field and what is wrong. */
import * as v from "valibot";
import { ConfigError } from "../errors.ts";

/** Parses `input` with `schema`; throws ConfigError "<what>: <field> <problem>" on the first issue. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  if (schema.type === "object" && (typeof input !== "object" || input === null || Array.isArray(input))) {
    throw new ConfigError(`${what}: must be a JSON object, got ${kindOf(input)}`);
  }
  const arrayPath = arrayWhereObjectBelongs(schema, input, "");
  if (arrayPath !== undefined) throw new ConfigError(`${what}: ${arrayPath} must be a JSON object, got an array`);
  const result = v.safeParse(schema, input, { abortEarly: true });
  if (result.success) return result.output;
  const issue = result.issues[0];
  throw new ConfigError(`${what}: ${describeIssue(issue)}`);
}

function describeIssue(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue) ?? "";
  const field = path === "" ? "(top level)" : path;
  if (issue.kind === "schema" && issue.input === undefined && path !== "") return `${field} is required`;
  if (issue.kind === "schema" && issue.type === "object" && path === "") return "must be a JSON object";
  if (issue.kind === "schema" && issue.message.startsWith("Invalid type")) {
    return `${field} must be ${issue.expected ?? issue.type}, got ${kindOf(issue.input)}`;
  }
  return `${field} ${issue.message}`;
}

function kindOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : typeof value;
}

type SchemaNode = {
  type?: string;
  entries?: Record<string, SchemaNode>;
  wrapped?: SchemaNode;
  item?: SchemaNode;
  value?: SchemaNode;
};

/**
 * valibot's object and record schemas take arrays too (as objects with every field absent), so a `[]` where
 * `{}` belongs would pass: find such a place, walking the schema and the input together.
 */
function arrayWhereObjectBelongs(schema: SchemaNode, input: unknown, path: string): string | undefined {
  if (input === null || typeof input !== "object") return undefined;
  const node = schema.wrapped ?? schema;
  if (node.type === "object" && node.entries) {
    if (Array.isArray(input)) return path;
    for (const [key, entry] of Object.entries(node.entries)) {
      const found = arrayWhereObjectBelongs(
        entry,
        (input as Record<string, unknown>)[key],
        path ? `${path}.${key}` : key,
      );
      if (found !== undefined) return found;
    }
  } else if (node.type === "array" && node.item && Array.isArray(input)) {
    for (const [index, item] of input.entries()) {
      const found = arrayWhereObjectBelongs(node.item, item, `${path}.${index}`);
      if (found !== undefined) return found;
    }
  } else if (node.type === "record" && node.value) {
    if (Array.isArray(input)) return path;
    for (const [key, item] of Object.entries(input)) {
      const found = arrayWhereObjectBelongs(node.value, item, path ? `${path}.${key}` : key);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}
