/**
 * One file out of an npm package at a given version, fetched once with `npm pack` (so that npm's
 * registry, proxy and integrity check apply) and kept under .cache/npm-files/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { basename, join } from "node:path";

const root = join(import.meta.dir, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The local path of `file` (a path inside the package) from `pkg@version`.
 *
 * @example npmFile("@node-rs/crc32-linux-arm64-gnu", "1.10.8", "crc32.linux-arm64-gnu.node")
 */
export function npmFile(pkg: string, version: string, file: string): string {
  const dir = join(root, ".cache", "npm-files", `${pkg.replace(/^@/, "").replace("/", "+")}@${version}`);
  const path = join(dir, basename(file));
  if (existsSync(path)) return path;

  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  console.error(`fetching ${pkg}@${version} (npm pack)...`);
  const tarball = execFileSync(npm, ["pack", `${pkg}@${version}`, "--silent", "--pack-destination", staging], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop()!;
  execFileSync("tar", ["-xzf", join(staging, tarball), "-C", staging, `package/${file}`], { stdio: "inherit" });
  // Rename last, so an interrupted fetch never leaves a half-written file where a build finds it.
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  renameSync(join(staging, "package", file), path);
  rmSync(staging, { recursive: true, force: true });
  return path;
}
