/** The README's configuration reference is the one the spec generates. */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { configReference } from "../scripts/config-docs.ts";
import { documentationUrl } from "../src/protocol/messages.ts";

test("README's configuration reference matches the spec", async () => {
  const readme = await Bun.file(join(import.meta.dir, "..", "README.md")).text();
  expect(readme).toContain(configReference());
});

test("spec's documentationUrl points at a heading the README has", async () => {
  const readme = await Bun.file(join(import.meta.dir, "..", "README.md")).text();
  const anchors = [...readme.matchAll(/^#+ (.+)$/gm)].map(([, title]) => title!.toLowerCase().replace(/[^a-z0-9 -]/g, "").replaceAll(" ", "-"));
  expect(anchors).toContain(documentationUrl.split("#")[1]!);
});
