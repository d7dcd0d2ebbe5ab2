/**
 * `npm run release`: builds every platform's executable (build.ts --all) and lays out what the
 * release of package.json's version holds in dist/release/<version>/: the executables, install.sh,
 * SHA256SUMS and RELEASE_NOTES.md (the commits since the previous v* tag). The release workflow
 * (.github/workflows/release.yml) runs it on a tag and publishes that folder's files as the
 * release's assets, where install.sh finds them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { layOutRelease, releaseNotes } from "./release-files.ts";
import { targets } from "./targets.ts";

const root = join(import.meta.dir, "..");
const version = packageJson.version;
const dir = join(root, "dist", "release", version);

const build = spawnSync(process.execPath, ["build.ts", "--all"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

layOutRelease(dir, [
  ...targets.map((t) => ({ from: join(root, "dist", t.file), name: t.file })),
  { from: join(root, "install.sh"), name: "install.sh" },
]);

const git = (...args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
// The previous release: the newest v* tag before this one (when the tag being released is on HEAD).
let previousTag: string | undefined;
try {
  previousTag = git("describe", "--tags", "--abbrev=0", "--match", "v*", "--exclude", `v${version}`, "HEAD");
} catch {
  previousTag = undefined;
}
const log = git("log", "--no-merges", "--format=%h%x09%s", ...(previousTag ? [`${previousTag}..HEAD`] : ["HEAD"]));
const commits = log
  .split("\n")
  .filter((line) => line.length > 0)
  .map((line) => {
    const [hash = "", ...subject] = line.split("\t");
    return { hash, subject: subject.join("\t") };
  });
writeFileSync(join(dir, "RELEASE_NOTES.md"), releaseNotes(version, previousTag, commits));

console.error(
  `release ${version} laid out in ${join("dist", "release", version)}: ${targets.length} executables, install.sh, SHA256SUMS, RELEASE_NOTES.md (${commits.length} commits since ${previousTag ?? "the first"})`,
);
