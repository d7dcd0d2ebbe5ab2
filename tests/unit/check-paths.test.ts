import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const script = join(import.meta.dir, "..", "..", "scripts", "check-paths.ts");

/** Runs the path check on a git work tree made of `files` (path → text). */
function checkTree(files: Record<string, string>): { status: number | null; output: string } {
  const folder = mkdtempSync(join(tmpdir(), "paths-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), text);
  }
  spawnSync("git", ["init", "-q"], { cwd: folder });
  spawnSync("git", ["add", "."], { cwd: folder });
  const run = spawnSync(process.execPath, [script, folder], { encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe("the named-path check", () => {
  test("fails on a comment naming a file that is not there, and on a Markdown link to one", () => {
    const run = checkTree({
      "src/a.ts": "// written by src/read/worker.ts\nexport const a = 1;\n",
      "docs/guide.md": "See [the map](architecture.md) and `src/a.ts`.\n",
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("src/a.ts:1: names src/read/worker.ts, which does not exist");
    expect(run.output).toContain("docs/guide.md:1: links to architecture.md, which does not exist");
  });

  test("passes paths that exist, decisions named by number, and paths of other projects", () => {
    const run = checkTree({
      "src/a.ts": "// see docs/decisions/0001 and kafkajs/src/cluster/index.js\nexport const a = 1;\n",
      "docs/decisions/0001-client.md": "Back to [the code](../../src/a.ts), `src/a.ts`.\n",
    });
    expect(run.output).toContain("every repository path named in 2 files exists");
    expect(run.status).toBe(0);
  });
});
