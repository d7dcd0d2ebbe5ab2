/** discover's last guard: a stream whose schema a consumer could not parse describes _meta only, and says why. */
import { expect, spyOn, test } from "bun:test";
import { maxCatalogNesting, parseable } from "../../src/discover/parseable.ts";

test("a schema with a lone surrogate, or nested past the limit, is replaced by _meta's; a sound one is kept", () => {
  const warnings: string[] = [];
  const write = spyOn(process.stdout, "write").mockImplementation((line: string | Uint8Array) => {
    warnings.push(String(line));
    return true;
  });
  try {
    const sound = { name: "ok", json_schema: { type: "object", properties: { a: { type: "string" } } } };
    expect(parseable(sound)).toBe(sound);
    let deep: object = {};
    for (let i = 0; i < maxCatalogNesting; i++) deep = { anyOf: [deep] };
    for (const json_schema of [{ description: "\ud800" }, { properties: { "\udc00": {} } }, deep]) {
      const stream = parseable({ name: "t", json_schema });
      expect(Object.keys((stream.json_schema as { properties: object }).properties)).toEqual([
        "_kafka_partition",
        "_kafka_offset",
        "_meta",
      ]);
    }
  } finally {
    write.mockRestore();
  }
  expect(warnings.join("")).toContain("not well-formed Unicode");
  expect(warnings.join("")).toContain(`nesting deeper than ${maxCatalogNesting} levels`);
});
