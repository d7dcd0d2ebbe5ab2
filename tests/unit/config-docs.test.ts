/** The configuration reference in docs/ is the one the spec generates. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { configReference } from "../../scripts/config-docs.ts";

test("docs/configuration.md's reference matches the spec", async () => {
  const reference = await Bun.file(join(import.meta.dir, "..", "..", "docs", "configuration.md")).text();
  expect(reference).toContain(configReference());
});
