/**
 * The connector as a live process: stdout read as it arrives (complete lines only, at an optional
 * pace), RSS sampled from /proc, and killed at will. `run()` in connector.ts waits for the exit;
 * these helpers are for tests that act while the connector is still running.
 */
import { execFileSync } from "node:child_process";
import { closeSync, mkdtempSync, openSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { command, type Runner } from "./connector.ts";

export type LiveOptions = {
  env?: Record<string, string>;
  /** Read stdout at about this many bytes a second (pausing between reads); unlimited when absent. */
  bytesPerSecond?: number;
  /** Called with each complete stdout line as it arrives. */
  onLine?: (line: string) => void;
  /**
   * Holds stdout until this settles: it goes to a FIFO that nobody reads until then, so the
   * connector's writes wait once its 64 KiB are full. (Bun reads a spawned process's own pipe
   * eagerly, whoever asks for it, so that pipe cannot be held.)
   */
  readFrom?: Promise<unknown>;
};

export type Live = {
  pid: number;
  /** Complete stdout lines so far; a line cut short by a kill is never here. */
  lines: string[];
  /** Bytes of stdout read so far. */
  bytesRead: () => number;
  /** Resolves once the process is gone and stdout is drained: its exit code, the signal that ended it (if any), its stderr. */
  finished: Promise<{ code: number; signal: NodeJS.Signals | number | null; stderr: string }>;
  exitCode: () => number | null;
  kill: (signal?: NodeJS.Signals) => void;
};

export function startLive(runner: Runner, args: string[], options: LiveOptions = {}): Live {
  const held = options.readFrom && heldStdout();
  const child = Bun.spawn([...command(runner), ...args], {
    stdout: held ? held.writeFd : "pipe",
    stderr: "pipe",
    stdin: "ignore",
    env: { ...process.env, ...options.env },
  });
  if (held) closeSync(held.writeFd);
  const lines: string[] = [];
  let bytes = 0;
  const stdout = async (): Promise<ReadableStream<Uint8Array>> => {
    if (!held) return child.stdout as ReadableStream<Uint8Array>;
    await options.readFrom;
    return Bun.spawn(["cat", held.path], { stdout: "pipe", stdin: "ignore" }).stdout;
  };
  const stdoutDone = (async () => {
    const reader = (await stdout()).getReader();
    const decoder = new TextDecoder();
    let pending = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      bytes += value.length;
      pending += decoder.decode(value, { stream: true });
      const parts = pending.split("\n");
      pending = parts.pop()!;
      for (const line of parts) {
        if (line.length === 0) continue;
        lines.push(line);
        options.onLine?.(line);
      }
      if (options.bytesPerSecond) await Bun.sleep((value.length / options.bytesPerSecond) * 1000);
    }
    // Whatever is left in `pending` is a line cut short by a kill: never written whole, so dropped.
  })();
  const stderr = new Response(child.stderr).text();
  const finished = (async () => {
    const code = await child.exited;
    // The connector's end is closed: once ours is too, `cat` reads to the end and stops.
    if (held) closeSync(held.holdFd);
    await stdoutDone;
    return { code, signal: child.signalCode, stderr: await stderr };
  })();
  return {
    pid: child.pid,
    lines,
    bytesRead: () => bytes,
    finished,
    exitCode: () => child.exitCode,
    kill: (signal = "SIGKILL") => child.kill(signal),
  };
}

/** Resident set size of a process in bytes (VmRSS from /proc/<pid>/status), or null once it is gone. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

const signalBits: Partial<Record<NodeJS.Signals, number>> = { SIGINT: 2, SIGTERM: 15 };

/**
 * Resolves once the process has a handler for `signal` (its bit in SigCgt of /proc/<pid>/status):
 * from then on the signal is the connector's to handle, not the default action's. Rejects if the
 * process is gone first or has none within `timeoutMs`.
 */
export async function handles(pid: number, signal: NodeJS.Signals, timeoutMs = 30_000): Promise<void> {
  const bit = 1n << BigInt(signalBits[signal]! - 1);
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let status: string;
    try {
      status = readFileSync(`/proc/${pid}/status`, "utf8");
    } catch {
      throw new Error(`process ${pid} ended before it handled ${signal}`);
    }
    const caught = /^SigCgt:\s+([0-9a-f]+)$/m.exec(status);
    if (caught && (BigInt(`0x${caught[1]}`) & bit) !== 0n) return;
    if (Date.now() > deadline) throw new Error(`process ${pid} did not handle ${signal} within ${timeoutMs} ms`);
    await Bun.sleep(5);
  }
}

/**
 * A FIFO for a held stdout: `holdFd` keeps a reader open (read-write, so that opening it waits for
 * nobody) without reading, so that the connector's end (`writeFd`) opens and its writes fill the
 * pipe instead of failing; `cat` reads it from the path once released.
 */
function heldStdout(): { path: string; holdFd: number; writeFd: number } {
  const path = join(mkdtempSync(join(tmpdir(), "source-kafka-held-")), "stdout");
  execFileSync("mkfifo", [path]);
  const holdFd = openSync(path, "r+");
  return { path, holdFd, writeFd: openSync(path, "w") };
}
