/**
 * Prints the configuration reference of docs/configuration.md, generated from the spec (itself generated from
 * the valibot schema). tests/unit/config-docs.test.ts fails when that copy is out of date.
 */
import { connectionSpecification } from "../src/commands/spec.ts";

type Property = {
  type?: string;
  title?: string;
  description?: string;
  default?: unknown;
  enum?: unknown[];
  airbyte_secret?: boolean;
  properties?: Record<string, Property>;
  required?: string[];
};

export function configReference(): string {
  const spec = connectionSpecification() as Property;
  const rows: string[] = ["| field | type | default | description |", "|---|---|---|---|"];
  const visit = (properties: Record<string, Property>, required: string[], prefix: string) => {
    for (const [name, p] of Object.entries(properties)) {
      const type = p.enum ? p.enum.map((e) => `\`${e}\``).join(" \\| ") : (p.type ?? "any");
      const flags = [required.includes(name) ? "**required**" : "", p.airbyte_secret ? "secret" : ""]
        .filter(Boolean)
        .join(", ");
      const text = [p.title, p.description].filter(Boolean).join(": ").replaceAll("|", "\\|");
      const fallback = p.default === undefined ? "" : `\`${JSON.stringify(p.default)}\``;
      rows.push(`| \`${prefix}${name}\` | ${type}${flags ? ` (${flags})` : ""} | ${fallback} | ${text} |`);
      if (p.properties) visit(p.properties, p.required ?? [], `${prefix}${name}.`);
    }
  };
  visit(spec.properties!, spec.required ?? [], "");
  return rows.join("\n");
}

if (import.meta.main) console.log(configReference());
