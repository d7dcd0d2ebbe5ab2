/**
 * `bun build.ts --all`: one executable per platform we ship, each with the read worker inside,
 * and SHA256SUMS. Those built for this machine run; the others cannot run here, so their header
 * bytes must say the platform their name promises.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { execSync, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import packageJson from "../../package.json" with { type: "json" };
import { targets } from "../../scripts/targets.ts";
import { executableFormat } from "../support/executable-format.ts";

const root = join(import.meta.dir, "..", "..");
const outdir = mkdtempSync(join(tmpdir(), "source-kafka-build-"));
const commit = execSync("git rev-parse --short HEAD", { cwd: root }).toString().trim();

beforeAll(() => {
  const build = spawnSync(process.execPath, ["build.ts", "--all", "--outdir", outdir], { cwd: root, encoding: "utf8" });
  if (build.status !== 0) throw new Error(`build.ts --all failed: ${build.stderr}`);
}, 600_000);

afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const header = (file: string) => executableFormat(readFileSync(join(outdir, file)).subarray(0, 65536));

test("builds the host executable and one per shipped platform, with their SHA256SUMS", () => {
  const files = ["source-kafka", ...targets.map((t) => t.file)];
  expect(readdirSync(outdir).sort()).toEqual([...files, "SHA256SUMS"].sort());
  const sums = readFileSync(join(outdir, "SHA256SUMS"), "utf8");
  const expected = files.map(
    (file) => `${new Bun.CryptoHasher("sha256").update(readFileSync(join(outdir, file))).digest("hex")}  ${file}\n`,
  );
  expect(sums).toBe(expected.join(""));
});

test("the executables built for this machine report the package version and build commit", () => {
  const runnable = [
    "source-kafka",
    ...(process.platform === "linux" && process.arch === "x64" ? ["source-kafka-linux-x64"] : []),
  ];
  for (const file of runnable) {
    const result = spawnSync(join(outdir, file), ["--version"], { encoding: "utf8" });
    expect({ file, code: result.status, stdout: result.stdout }).toEqual({
      file,
      code: 0,
      stdout: `source-kafka ${packageJson.version} (${commit})\n`,
    });
  }
});

test("each platform's executable has that platform's format and loader", () => {
  expect(Object.fromEntries(targets.map((t) => [t.name, header(t.file)]))).toEqual({
    "linux-x64": { format: "elf", machine: "x86-64", interpreter: "/lib64/ld-linux-x86-64.so.2" },
    "linux-arm64": { format: "elf", machine: "arm64", interpreter: "/lib/ld-linux-aarch64.so.1" },
    "linux-x64-musl": { format: "elf", machine: "x86-64", interpreter: "/lib/ld-musl-x86_64.so.1" },
    "linux-arm64-musl": { format: "elf", machine: "arm64", interpreter: "/lib/ld-musl-aarch64.so.1" },
    "darwin-x64": { format: "mach-o", machine: "x86_64", executable: true, signed: true },
    "darwin-arm64": { format: "mach-o", machine: "arm64", executable: true, signed: true },
    "windows-x64": { format: "pe32+", machine: "x86-64", console: true },
  });
});

test("each executable carries the read worker inside it", () => {
  for (const target of targets) {
    // Bun's embedded file system is /$bunfs/root/ on Unix and B:/~BUN/root/ on Windows.
    const path = target.name.startsWith("windows") ? "B:/~BUN/root/worker.js" : "/$bunfs/root/worker.js";
    expect({ file: target.file, worker: readFileSync(join(outdir, target.file)).includes(path) }).toEqual({
      file: target.file,
      worker: true,
    });
  }
});

test("each executable carries its platform's native CRC-32C module (src/kafka/crc32c.ts)", () => {
  expect(
    targets.map((target) => ({
      file: target.file,
      crc32c: readFileSync(join(outdir, target.file)).includes(`crc32.${target.crc32c}-`),
    })),
  ).toEqual(targets.map((target) => ({ file: target.file, crc32c: true })));
});
