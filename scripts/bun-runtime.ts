/**
 * Bun's runtime for another platform, which a cross-compiled executable is built around. Bun can
 * download it by itself, but from its own idea of the registry; we fetch the same npm package
 * (`@oven/bun-<platform>`, the one the `bun` package installs on that platform) with `npm pack`,
 * so that npm's registry, proxy and integrity check apply, and keep it under .cache/.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const npm = process.platform === "win32" ? "npm.cmd" : "npm";

/**
 * The path of the `bun` executable from npm package `pkg` at Bun's own version, fetched once.
 *
 * @example runtime("@oven/bun-linux-aarch64") // → .cache/bun-runtime/1.4.5/bun-linux-aarch64/bun
 */
export function runtime(pkg: string): string {
  const exe = pkg.includes("windows") ? "bun.exe" : "bun";
  const dir = join(root, ".cache", "bun-runtime", Bun.version, pkg.replace(/^@oven\//, ""));
  const path = join(dir, exe);
  if (existsSync(path)) return path;

  const staging = `${dir}.partial`;
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  console.error(`fetching ${pkg}@${Bun.version} (npm pack)...`);
  const tarball = execFileSync(npm, ["pack", `${pkg}@${Bun.version}`, "--silent", "--pack-destination", staging], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
  })
    .trim()
    .split("\n")
    .pop()!;
  execFileSync("tar", ["-xzf", join(staging, tarball), "-C", staging, `package/bin/${exe}`], { stdio: "inherit" });
  // Rename last, so an interrupted fetch never leaves a half-written runtime where a build finds it.
  rmSync(dir, { recursive: true, force: true });
  renameSync(join(staging, "package", "bin"), dir);
  rmSync(staging, { recursive: true, force: true });
  return path;
}
