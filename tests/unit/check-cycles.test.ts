import { describe, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

const script = join(import.meta.dir, "..", "..", "scripts", "check-cycles.ts");

/** Runs the cycle check on a folder made of `files` (path → source). */
function checkTree(files: Record<string, string>): { status: number | null; output: string } {
  const folder = mkdtempSync(join(tmpdir(), "cycles-"));
  for (const [path, source] of Object.entries(files)) {
    mkdirSync(dirname(join(folder, path)), { recursive: true });
    writeFileSync(join(folder, path), source);
  }
  const run = spawnSync(process.execPath, [script, folder], { encoding: "utf8" });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe("the import cycle check", () => {
  test("fails on a cycle of `import type` alone", () => {
    const run = checkTree({
      "a.ts": 'import type { B } from "./b.ts";\nexport type A = { b: B };\n',
      "b.ts": 'import type { A } from "./a.ts";\nexport type B = { a?: A };\n',
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("import cycle among 2 files");
  });

  test("fails on a cycle through a `{ type X }` specifier and an `import()` type", () => {
    const run = checkTree({
      "a.ts": 'import { type B, value } from "./b.ts";\nexport type A = { b: B };\nexport const x = value;\n',
      "b.ts": 'export const value = 1;\nexport type B = { a: import("./a.ts").A };\n',
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("import cycle among 2 files");
  });

  test("fails on a loop between folders made of type imports across several lines", () => {
    const run = checkTree({
      "plan/plan.ts": 'import type {\n  Start,\n} from "../worker/messages.ts";\nexport type Plan = { s: Start };\n',
      "worker/messages.ts": "export type Start = { n: number };\n",
      "worker/pool.ts": 'export type {\n  Plan,\n} from "../plan/plan.ts";\n',
    });
    expect(run.status).toBe(1);
    expect(run.output).toContain("import cycle among 2 folders");
  });

  test("passes a tree without cycles, whatever comments and strings say", () => {
    const run = checkTree({
      "a.ts": 'import type { B } from "./b.ts";\nexport type A = { b: B };\n',
      "b.ts":
        '// import type { A } from "./a.ts";\n/* import { a } from "./a.ts"; */\nexport const text = \'import "./a.ts"\';\nexport type B = { n: number };\n',
    });
    expect(run.output).toContain("no import cycles");
    expect(run.status).toBe(0);
  });
});
