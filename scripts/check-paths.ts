/**
 * Fails when a doc or a comment names a path of this repository that does not exist: a word that
 * points nowhere sends a reader looking for a file that was moved or never written. Checked:
 * every path from the repository's top folders (`src/…`, `tests/…`, `docs/…`, …) in tracked text
 * files, and every relative link in Markdown. A path inside another one (`kafkajs/src/cluster`)
 * belongs to another project and is left alone; `docs/decisions/0002` names a decision by its
 * number, so a prefix of a file's name is enough there.
 *
 *   bun scripts/check-paths.ts          # this repository; npm run check runs it
 *   bun scripts/check-paths.ts DIR      # another git work tree (tests/unit/check-paths.test.ts)
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(import.meta.dir, "..", process.argv[2] ?? ".");
const topFolders = ["src", "tests", "docs", "scripts", "bench", "harness", "examples", ".ci", ".github"];

/** Files whose words are data, not a reader's directions (the check's own test makes up paths on purpose). */
const skipped = [
  /^tests\/reference\//,
  /package-lock\.json$/,
  /^bench\/results\.json$/,
  /^tests\/unit\/check-paths\.test\.ts$/,
];

const repoPath = new RegExp(
  `(?<![\\w/.@-])(?:${topFolders.map((f) => f.replace(".", "\\.")).join("|")})/[\\w./-]*[\\w/]`,
  "g",
);
const markdownLink = /\]\(([^)\s#]+)(?:#[^)]*)?\)/g;

function exists(path: string): boolean {
  const full = join(root, path);
  if (existsSync(full)) return true;
  // A decision record named by its number.
  const folder = dirname(full);
  const name = relative(folder, full);
  return /^docs\/decisions\/\d{4}$/.test(path) && readdirSync(folder).some((file) => file.startsWith(name));
}

const tracked = spawnSync("git", ["ls-files", "-z"], { cwd: root, encoding: "utf8" })
  .stdout.split("\0")
  .filter((file) => file && !skipped.some((pattern) => pattern.test(file)))
  .filter((file) => /\.(ts|mjs|js|md|json|toml|ya?ml|py|go|sh|java|xml|txt)$|^\.ci\/run$|Dockerfile$/.test(file));

const problems: string[] = [];
for (const file of tracked) {
  const text = readFileSync(join(root, file), "utf8");
  const lines = text.split("\n");
  lines.forEach((line, index) => {
    const at = `${file}:${index + 1}`;
    for (const [path] of line.matchAll(repoPath)) {
      const trimmed = path.replace(/\.$/, "");
      if (!exists(trimmed)) problems.push(`${at}: names ${trimmed}, which does not exist`);
    }
    if (!file.endsWith(".md")) return;
    for (const [, target] of line.matchAll(markdownLink)) {
      if (!target || /^[a-z]+:/i.test(target) || target.startsWith("/")) continue;
      const path = relative(root, resolve(root, dirname(file), target));
      if (!existsSync(join(root, path))) problems.push(`${at}: links to ${target}, which does not exist`);
    }
  });
}

for (const problem of problems) console.error(problem);
if (problems.length > 0) {
  console.error(`${problems.length} ${problems.length === 1 ? "path points" : "paths point"} nowhere`);
  process.exit(1);
}
console.log(`every repository path named in ${tracked.length} files exists`);
