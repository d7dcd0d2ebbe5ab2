/**
 * The house's guard, run by CI before the tests (`npm run check`): the type check (strict, with
 * noUncheckedIndexedAccess), Biome's format and lint check, the import-cycle check of src/ (type
 * imports included), and the check that every repository path docs and comments name exists.
 * Every step runs, so one report shows everything to fix; the exit code is non-zero if any failed.
 *   npm run check          # check
 *   bun x biome check --write .   # then fix what Biome can fix itself
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const bin = (name: string) => join(root, "node_modules", ".bin", name);

const steps: [string, string, string[]][] = [
  ["type check", bin("tsc"), ["--noEmit", "-p", "."]],
  ["format and lint", bin("biome"), ["check", "--error-on-warnings", "--max-diagnostics=50", "."]],
  ["import cycles", process.execPath, [join(root, "scripts", "check-cycles.ts")]],
  ["paths named in docs and comments", process.execPath, [join(root, "scripts", "check-paths.ts")]],
];

let failed = 0;
for (const [name, command, args] of steps) {
  const result = spawnSync(command, args, { cwd: root, stdio: "inherit" });
  if (result.status === 0) continue;
  failed++;
  console.error(`check: ${name} failed`);
}
if (failed > 0) process.exit(1);
console.error("check: type check, format and lint, import cycles, named paths: all clean");
