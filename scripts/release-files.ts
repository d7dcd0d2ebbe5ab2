/**
 * What a release holds, laid out in one folder: the files under their published names, and
 * SHA256SUMS (sha256sum's format) of them all, which install.sh checks each download against.
 * Separate from release.ts so that tests can lay out a release of only this machine's executable
 * without building all seven.
 */
import { copyFileSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export type ReleaseFile = { from: string; name: string };

/**
 * Empties `dir`, copies each file in under its name and writes SHA256SUMS.
 *
 * @example
 * layOutRelease("dist/release/0.1.0", [{ from: "dist/source-kafka-linux-x64", name: "source-kafka-linux-x64" }]);
 */
export function layOutRelease(dir: string, files: ReleaseFile[]): void {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const sums: string[] = [];
  for (const { from, name } of files) {
    copyFileSync(from, join(dir, name));
    sums.push(`${sha256(join(dir, name))}  ${name}\n`);
  }
  writeFileSync(join(dir, "SHA256SUMS"), sums.join(""));
}

export function sha256(path: string): string {
  return new Bun.CryptoHasher("sha256").update(readFileSync(path)).digest("hex");
}

/**
 * The release notes: how to install, and the commits since the previous release's tag (every
 * commit for the first release), newest first.
 *
 * @example
 * releaseNotes("0.2.0", "v0.1.0", [{ hash: "abc1234", subject: "read shows progress on a terminal" }]);
 */
export function releaseNotes(
  version: string,
  previousTag: string | undefined,
  commits: { hash: string; subject: string }[],
): string {
  const download = `https://github.com/source-kafka/source-kafka/releases/download/v${version}`;
  return [
    `# source-kafka ${version}`,
    "",
    "Install the executable for this machine (Linux glibc or musl, macOS; x64 or arm64), checked against SHA256SUMS:",
    "",
    "```sh",
    `curl -fsSL ${download}/install.sh | sh -s -- --base-url ${download}`,
    "```",
    "",
    "Or download `source-kafka-<platform>` yourself and check it with `sha256sum -c --ignore-missing SHA256SUMS`.",
    "",
    previousTag ? `## Changes since ${previousTag}` : "## Changes (first release)",
    "",
    ...(commits.length > 0 ? commits.map((c) => `- ${c.subject} (${c.hash})`) : ["- none"]),
    "",
  ].join("\n");
}
