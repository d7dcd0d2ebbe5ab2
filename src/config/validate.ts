/** Turns a valibot failure into one ConfigError that names the field and what is wrong. */
import * as v from "valibot";
import { ConfigError } from "../errors.ts";

/** Parses `input` with `schema`; throws ConfigError "<what>: <field> <problem>" on the first issue. */
export function validate<S extends v.GenericSchema>(schema: S, input: unknown, what: string): v.InferOutput<S> {
  // valibot's object schema takes arrays too; a JSON document where an object belongs is wrong.
  if (schema.type === "object" && (typeof input !== "object" || input === null || Array.isArray(input))) {
    throw new ConfigError(`${what}: must be a JSON object, got ${kindOf(input)}`);
  }
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
