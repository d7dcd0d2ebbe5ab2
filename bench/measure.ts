/**
 * One measured run of a command: wall time, peak RSS and CPU time as GNU time reports them for the
 * process it waits for (RSS is the whole process, all its threads; CPU is user + system summed over
 * every thread and every waited-for child).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type Measurement = { wallS: number; peakRssMiB: number; cpuS: number; stdout: string };

const gnuTime = "/usr/bin/time";

export async function measure(
  command: string[],
  options: { stdout: "null" | "pipe"; env?: Record<string, string> },
): Promise<Measurement> {
  const scratch = mkdtempSync(join(tmpdir(), "bench-run-"));
  const timings = join(scratch, "time");
  try {
    const child = Bun.spawn([gnuTime, "-f", "%e %M %U %S", "-o", timings, ...command], {
      stdin: "ignore",
      stdout: options.stdout === "null" ? Bun.file("/dev/null") : "pipe",
      stderr: "pipe",
      env: { ...process.env, ...options.env },
    });
    const [stdout, stderr, code] = await Promise.all([
      options.stdout === "pipe" ? new Response(child.stdout as ReadableStream).text() : "",
      new Response(child.stderr).text(),
      child.exited,
    ]);
    if (code !== 0)
      throw new Error(`${command.join(" ")} exited with ${code}: ${stderr.trim().split("\n").slice(-5).join(" | ")}`);
    // GNU time writes "Command exited with non-zero status" lines first when there are any.
    const [wall, rssKiB, user, sys] = readFileSync(timings, "utf8")
      .trim()
      .split("\n")
      .at(-1)!
      .split(" ")
      .map(Number) as [number, number, number, number];
    return { wallS: wall, peakRssMiB: rssKiB / 1024, cpuS: user + sys, stdout };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/**
 * kcat and GNU time, from Debian packages when missing (CI machines have apt-get but neither).
 * Runs apt-get directly as root, through sudo otherwise.
 */
export function ensureTools(log: (line: string) => void): void {
  const missing: string[] = [];
  if (spawnSync("kcat", ["-V"], { stdio: "ignore" }).status !== 0) missing.push("kcat");
  if (!existsSync(gnuTime)) missing.push("time");
  if (missing.length === 0) return;
  log(`installing ${missing.join(", ")} with apt-get`);
  const sudo = process.getuid?.() === 0 ? [] : ["sudo", "-n"];
  for (const args of [
    ["apt-get", "update", "-qq"],
    ["apt-get", "install", "-y", "-qq", ...missing],
  ]) {
    const [cmd, ...rest] = [...sudo, ...args] as [string, ...string[]];
    const result = spawnSync(cmd, rest, {
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (result.status !== 0)
      throw new Error(`${[cmd, ...rest].join(" ")} failed: ${(result.stderr ?? result.error?.message ?? "").trim()}`);
  }
}

/** Median and range of a sample. */
export type Spread = { median: number; min: number; max: number };

export function spread(values: number[]): Spread {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return { median, min: sorted[0]!, max: sorted.at(-1)! };
}

/** The q-quantile (0..1) of a sample, nearest rank. */
export function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * Seconds from spawning `command` to the first line on its stdout that `isRecord` accepts; the
 * process is then killed (it is a probe run of its own, so the measured runs keep stdout on
 * /dev/null and pay nothing for it).
 */
export async function timeToFirstRecord(command: string[], isRecord: (line: string) => boolean): Promise<number> {
  const started = performance.now();
  const child = Bun.spawn(command, { stdin: "ignore", stdout: "pipe", stderr: "ignore" });
  const decoder = new TextDecoder();
  let pending = "";
  try {
    for await (const chunk of child.stdout) {
      pending += decoder.decode(chunk, { stream: true });
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      if (lines.some(isRecord)) return (performance.now() - started) / 1000;
    }
    throw new Error(`${command.join(" ")} wrote no record`);
  } finally {
    child.kill();
    await child.exited;
  }
}

/** Runs `command` with stdout piped and counts the lines it writes (without holding them). */
export async function countLines(command: string[]): Promise<number> {
  const child = Bun.spawn(command, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  let lines = 0;
  for await (const chunk of child.stdout)
    for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines++;
  const code = await child.exited;
  if (code !== 0)
    throw new Error(`${command.join(" ")} exited with ${code}: ${(await new Response(child.stderr).text()).trim()}`);
  return lines;
}
