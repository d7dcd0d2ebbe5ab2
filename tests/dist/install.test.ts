/**
 * install.sh against a release served from 127.0.0.1: it picks the executable for the platform,
 * checks it against SHA256SUMS, installs it and prints its version; a tampered download is
 * refused and nothing is installed. Run by dash, the strictest common /bin/sh.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { layOutRelease } from "../../scripts/release-files.ts";
import { targets } from "../../scripts/targets.ts";

const root = join(import.meta.dir, "..", "..");
const installScript = join(root, "install.sh");
const binary = join(root, "dist", "source-kafka");
const scratch = mkdtempSync(join(tmpdir(), "source-kafka-install-"));
const served = join(scratch, "served");
const requested: string[] = [];
// By its full path: some tests give install.sh a PATH of their own.
const dash = Bun.which("dash") ?? "dash";
let server: ReturnType<typeof Bun.serve>;
let base: string;

/** This machine's executable name, as build.ts and install.sh call it. */
function hostTarget(): string {
  const arch = process.arch === "x64" ? "x64" : "arm64";
  const musl =
    process.platform === "linux" && /musl/i.test(spawnSync("ldd", ["--version"], { encoding: "utf8" }).stderr ?? "");
  return `source-kafka-${process.platform}-${arch}${musl ? "-musl" : ""}`;
}

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    fetch(request) {
      const path = decodeURIComponent(new URL(request.url).pathname);
      requested.push(path);
      const file = join(served, path);
      if (path.includes("..") || !existsSync(file)) return new Response("not found", { status: 404 });
      return new Response(Bun.file(file));
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => {
  server.stop(true);
  rmSync(scratch, { recursive: true, force: true });
});

type Result = { code: number; stdout: string; stderr: string };

/** Runs install.sh under dash, fed on stdin as `curl … | sh -s -- ARGS` does. */
async function install(args: string[], env: Record<string, string> = {}): Promise<Result> {
  const child = Bun.spawn([dash, "-s", "--", ...args], {
    stdin: Bun.file(installScript),
    stdout: "pipe",
    stderr: "pipe",
    env: { HOME: join(scratch, "home"), PATH: process.env.PATH ?? "", ...env },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { code, stdout, stderr };
}

function fresh(name: string): string {
  const dir = join(scratch, name);
  rmSync(dir, { recursive: true, force: true });
  return dir;
}

test("installs this machine's executable from the release, checked, and prints its version", async () => {
  const release = join(served, "release", "0.1.0");
  layOutRelease(release, [
    { from: binary, name: hostTarget() },
    { from: installScript, name: "install.sh" },
  ]);
  const dir = fresh("bin");
  requested.length = 0;
  const result = await install(["--base-url", `${base}/release/0.1.0/`, "--dir", dir]);
  const version = spawnSync(binary, ["--version"], { encoding: "utf8" }).stdout;
  expect(version).toMatch(/^source-kafka \d+\.\d+\.\d+ \(\w+\)\n$/);
  expect(result).toEqual({
    code: 0,
    stdout: version,
    stderr:
      `downloading ${hostTarget()} from ${base}/release/0.1.0\n` +
      `installed ${dir}/source-kafka\n` +
      `note: ${dir} is not on your PATH; add it, or run ${dir}/source-kafka\n`,
  });
  expect(requested).toEqual(["/release/0.1.0/SHA256SUMS", `/release/0.1.0/${hostTarget()}`]);
  const installed = spawnSync(join(dir, "source-kafka"), ["--version"], { encoding: "utf8" });
  expect({ code: installed.status, stdout: installed.stdout }).toEqual({ code: 0, stdout: version });
});

test("takes its base URL and directory from the environment, and downloads with wget when there is no curl", async () => {
  // A PATH with the tools the script uses, wget but no curl.
  const tools = fresh("tools-wget");
  mkdirSync(tools);
  for (const tool of [
    "uname",
    "ldd",
    "mktemp",
    "rm",
    "awk",
    "sha256sum",
    "cut",
    "mkdir",
    "chmod",
    "cp",
    "mv",
    "grep",
    "ls",
    "cat",
    "wget",
  ]) {
    const path = spawnSync("dash", ["-c", `command -v ${tool}`], { encoding: "utf8" }).stdout.trim();
    if (path) symlinkSync(path, join(tools, tool));
  }
  expect(existsSync(join(tools, "wget"))).toBe(true);
  const dir = fresh("bin-wget");
  const result = await install([], {
    PATH: `${tools}:${dir}`,
    SOURCE_KAFKA_BASE_URL: `${base}/release/0.1.0`,
    SOURCE_KAFKA_INSTALL_DIR: dir,
  });
  expect(result.stderr).toBe(`downloading ${hostTarget()} from ${base}/release/0.1.0\ninstalled ${dir}/source-kafka\n`);
  expect(result.code).toBe(0);
  expect(result.stdout).toMatch(/^source-kafka \d+\.\d+\.\d+ \(\w+\)\n$/);
});

test("refuses a download that does not match SHA256SUMS, and installs nothing", async () => {
  const release = join(served, "release", "tampered");
  layOutRelease(release, [{ from: binary, name: hostTarget() }]);
  const file = join(release, hostTarget());
  const bytes = readFileSync(file);
  bytes.writeUInt8(bytes.readUInt8(bytes.length - 1) ^ 0xff, bytes.length - 1);
  writeFileSync(file, bytes);
  const expected = readFileSync(join(release, "SHA256SUMS"), "utf8").split("  ")[0];
  const actual = new Bun.CryptoHasher("sha256").update(bytes).digest("hex");
  const dir = fresh("bin-tampered");
  const result = await install(["--base-url", `${base}/release/tampered`, "--dir", dir]);
  expect(result).toEqual({
    code: 1,
    stdout: "",
    stderr:
      `downloading ${hostTarget()} from ${base}/release/tampered\n` +
      `install.sh: checksum mismatch for ${hostTarget()}: SHA256SUMS says ${expected}, the download is ${actual}; ` +
      "it was corrupted or tampered with, so nothing was installed\n",
  });
  expect(existsSync(join(dir, "source-kafka"))).toBe(false);
});

test("says so when the release has no such file, or the URL is wrong", async () => {
  const dir = fresh("bin-missing");
  const missing = await install(["--base-url", `${base}/release/nowhere`, "--dir", dir]);
  expect(missing).toEqual({
    code: 1,
    stdout: "",
    stderr: `downloading ${hostTarget()} from ${base}/release/nowhere\ncurl: (22) The requested URL returned error: 404\ninstall.sh: cannot download ${base}/release/nowhere/SHA256SUMS\n`,
  });
  const unlisted = join(served, "release", "unlisted");
  layOutRelease(unlisted, [{ from: installScript, name: "install.sh" }]);
  const result = await install(["--base-url", `${base}/release/unlisted`, "--dir", dir]);
  expect(result).toEqual({
    code: 1,
    stdout: "",
    stderr: `downloading ${hostTarget()} from ${base}/release/unlisted\ninstall.sh: ${hostTarget()} is not listed in ${base}/release/unlisted/SHA256SUMS; nothing installed\n`,
  });
});

test("picks the executable for each OS, architecture and C library", async () => {
  // Each platform's "executable" is a script that names itself, served with its real checksum.
  const release = join(served, "release", "fakes");
  const fakes = fresh("fakes");
  mkdirSync(fakes);
  for (const t of targets) writeFileSync(join(fakes, t.file), `#!/bin/sh\necho "${t.file} $1"\n`);
  layOutRelease(
    release,
    targets.map((t) => ({ from: join(fakes, t.file), name: t.file })),
  );

  const cases: [uname: string, machine: string, ldd: string | null, sysctl: string | null, expected: string][] = [
    ["Linux", "x86_64", "echo 'ldd (Debian GLIBC 2.36-9) 2.36'", null, "source-kafka-linux-x64"],
    ["Linux", "aarch64", "echo 'ldd (GNU libc) 2.39'", null, "source-kafka-linux-arm64"],
    ["Linux", "x86_64", "echo 'musl libc (x86_64)' >&2; exit 1", null, "source-kafka-linux-x64-musl"],
    ["Linux", "aarch64", "echo 'musl libc (aarch64)' >&2; exit 1", null, "source-kafka-linux-arm64-musl"],
    ["Darwin", "arm64", null, null, "source-kafka-darwin-arm64"],
    ["Darwin", "x86_64", null, "echo 0", "source-kafka-darwin-x64"],
    ["Darwin", "x86_64", null, "echo 1", "source-kafka-darwin-arm64"],
    ["MINGW64_NT-10.0-19045", "x86_64", null, null, "source-kafka-windows-x64.exe"],
  ];
  for (const [os, machine, ldd, sysctl, expected] of cases) {
    const fake = fresh("fake-bin");
    mkdirSync(fake);
    const script = (name: string, body: string) => {
      writeFileSync(join(fake, name), `#!/bin/sh\n${body}\n`);
      chmodSync(join(fake, name), 0o755);
    };
    script("uname", `case "$1" in -s) echo '${os}' ;; -m) echo '${machine}' ;; esac`);
    script("ldd", ldd ?? "echo 'ldd: not this one' >&2; exit 1");
    script("sysctl", sysctl ?? "exit 1");
    const dir = fresh("bin-fake");
    const result = await install(["--base-url", `${base}/release/fakes`, "--dir", dir], {
      PATH: `${fake}:${process.env.PATH}`,
    });
    const name = expected.endsWith(".exe") ? "source-kafka.exe" : "source-kafka";
    expect({ os, machine, code: result.code, stdout: result.stdout, installed: existsSync(join(dir, name)) }).toEqual({
      os,
      machine,
      code: 0,
      stdout: `${expected} --version\n`,
      installed: true,
    });
  }

  for (const [os, machine, message] of [
    ["Linux", "riscv64", "no executable for the riscv64 architecture; build one from source (bun build.ts)"],
    ["FreeBSD", "amd64", "no executable for FreeBSD; build one from source (bun build.ts)"],
  ]) {
    const fake = fresh("fake-bin");
    mkdirSync(fake);
    writeFileSync(join(fake, "uname"), `#!/bin/sh\ncase "$1" in -s) echo '${os}' ;; -m) echo '${machine}' ;; esac\n`);
    chmodSync(join(fake, "uname"), 0o755);
    const result = await install(["--base-url", `${base}/release/fakes`, "--dir", fresh("bin-fake")], {
      PATH: `${fake}:${process.env.PATH}`,
    });
    expect(result).toEqual({ code: 1, stdout: "", stderr: `install.sh: ${message}\n` });
  }
});

test("install.sh is POSIX sh: dash parses it", () => {
  const result = spawnSync("dash", ["-n", installScript], { encoding: "utf8" });
  expect({ code: result.status, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
});
