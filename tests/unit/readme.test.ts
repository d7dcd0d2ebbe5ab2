/** The README's configuration reference is the one the spec generates. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { configReference } from "../../scripts/config-docs.ts";

test("README's configuration reference matches the spec", async () => {
  const readme = await Bun.file(join(import.meta.dir, "..", "..", "README.md")).text();
  expect(readme).toContain(configReference());
});
