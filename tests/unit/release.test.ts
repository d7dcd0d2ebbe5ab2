/**
 * What `npm run release` lays out, without building all seven executables: the folder with
 * SHA256SUMS of its files, and release notes from the commits since the previous tag.
 */
import { afterAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layOutRelease, releaseNotes } from "../../scripts/release-files.ts";

const scratch = mkdtempSync(join(tmpdir(), "source-kafka-release-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

test("a release folder holds its files under their published names and SHA256SUMS of each, replacing what was there", () => {
  writeFileSync(join(scratch, "a"), "first\n");
  writeFileSync(join(scratch, "b"), "second\n");
  const dir = join(scratch, "release", "1.2.3");
  layOutRelease(dir, [{ from: join(scratch, "a"), name: "stale" }]);
  layOutRelease(dir, [
    { from: join(scratch, "a"), name: "source-kafka-linux-x64" },
    { from: join(scratch, "b"), name: "install.sh" },
  ]);
  expect(readdirSync(dir).sort()).toEqual(["SHA256SUMS", "install.sh", "source-kafka-linux-x64"]);
  expect(readFileSync(join(dir, "SHA256SUMS"), "utf8")).toBe(
    `${sum("first\n")}  source-kafka-linux-x64\n${sum("second\n")}  install.sh\n`,
  );
  // The format sha256sum itself checks, as a person who downloads by hand does.
  const check = spawnSync("sha256sum", ["-c", "SHA256SUMS"], { cwd: dir, encoding: "utf8" });
  expect({ code: check.status, stdout: check.stdout }).toEqual({
    code: 0,
    stdout: "source-kafka-linux-x64: OK\ninstall.sh: OK\n",
  });
});

const sum = (text: string) => new Bun.CryptoHasher("sha256").update(text).digest("hex");

test("release notes say how to install and list the commits since the previous tag", () => {
  expect(
    releaseNotes("0.2.0", "v0.1.0", [
      { hash: "abc1234", subject: "read shows progress on a terminal" },
      { hash: "def5678", subject: "install.sh" },
    ]),
  ).toBe(
    [
      "# source-kafka 0.2.0",
      "",
      "Install the executable for this machine (Linux glibc or musl, macOS; x64 or arm64), checked against SHA256SUMS:",
      "",
      "```sh",
      "curl -fsSL https://github.com/source-kafka/source-kafka/releases/download/v0.2.0/install.sh | sh -s -- --base-url https://github.com/source-kafka/source-kafka/releases/download/v0.2.0",
      "```",
      "",
      "Or download `source-kafka-<platform>` yourself and check it with `sha256sum -c --ignore-missing SHA256SUMS`.",
      "",
      "## Changes since v0.1.0",
      "",
      "- read shows progress on a terminal (abc1234)",
      "- install.sh (def5678)",
      "",
    ].join("\n"),
  );
  expect(releaseNotes("0.1.0", undefined, [])).toContain("\n## Changes (first release)\n\n- none\n");
});
