/** The configuration reference in docs/ is the one the spec generates. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { configReference } from "../../scripts/config-docs.ts";
import { documentationPath, documentationUrl } from "../../src/protocol/messages.ts";

test("docs/configuration.md's reference matches the spec", async () => {
  const reference = await Bun.file(join(import.meta.dir, "..", "..", "docs", "configuration.md")).text();
  expect(reference).toContain(configReference());
});

test("spec's documentationUrl names a page of the repository", async () => {
  expect(documentationUrl.endsWith(`/blob/main/${documentationPath}`)).toBe(true);
  expect(await Bun.file(join(import.meta.dir, "..", "..", documentationPath)).exists()).toBe(true);
});
