/**
 * The Python virtual environment of tests/dist/airbyte: PyAirbyte, airbyte-cdk and pytest from PyPI,
 * pinned in requirements.txt. It is made once and cached outside the checkout, in
 * ~/.cache/source-kafka/airbyte-venv-<hash of requirements.txt> (or $XDG_CACHE_HOME), so fresh
 * clones on the same machine (CI) share it. It is built in a temp folder and renamed into place
 * only when pip succeeded: an interrupted build never leaves a half-made environment behind.
 *
 *   const python = ensureVenv();  // …/airbyte-venv-1a2b3c4d5e6f/bin/python
 *
 * `bun tests/dist/airbyte/venv.ts` makes it and prints that path (scripts/test.ts does so before the
 * tests, so that the first build, ~2 min, is not spent inside a test's time limit).
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const requirements = join(import.meta.dir, "requirements.txt");

export function venvDir(): string {
  // Keyed by the pins alone: a comment edited in the file does not make a new environment.
  const pins = readFileSync(requirements, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "" && !line.startsWith("#"));
  const hash = createHash("sha256").update(pins.join("\n")).digest("hex").slice(0, 12);
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "source-kafka", `airbyte-venv-${hash}`);
}

export function ensureVenv(): string {
  const dir = venvDir();
  const python = join(dir, "bin", "python");
  if (existsSync(python)) return python;
  mkdirSync(join(dir, ".."), { recursive: true });
  // Built under a unique name, then renamed into place. The scripts in bin/ name the folder they
  // were made in, so only `bin/python -m …` is ever run: that works wherever the folder is.
  const building = `${dir}.building-${process.pid}`;
  rmSync(building, { recursive: true, force: true });
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ["ignore", "inherit", "inherit"], timeout: 900_000 });
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(" ")} failed (exit ${result.status ?? result.signal})`);
  };
  console.error(`creating the Python environment for tests/dist/airbyte in ${dir} (pip install -r ${requirements})...`);
  run("python3", ["-m", "venv", building]);
  run(join(building, "bin", "python"), [
    "-m",
    "pip",
    "install",
    "--quiet",
    "--disable-pip-version-check",
    "-r",
    requirements,
  ]);
  try {
    renameSync(building, dir);
  } catch (error) {
    // Another run finished first: use its environment.
    rmSync(building, { recursive: true, force: true });
    if (!existsSync(python)) throw error;
  }
  return python;
}

if (import.meta.main) console.log(ensureVenv());
