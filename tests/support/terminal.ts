/**
 * Runs the connector as a person at a terminal does: stderr on a pseudo-terminal (util-linux's
 * `script`), stdout redirected into a file, or left on the terminal too. What `script` copies
 * from the terminal is exactly what the person would see (with the terminal's \r\n line ends).
 */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { command, parseProtocol, type Message, type Runner } from "./connector.ts";

export type TerminalRun = { code: number; terminal: string; stdout: string; messages: Message[] };

export type TerminalOptions = {
  env?: Record<string, string>;
  /** Leave stdout on the terminal instead of redirecting it into a file. */
  stdoutOnTerminal?: boolean;
  /** Stop the connector with SIGTERM a second after this many records reached stdout (a tailing read). */
  stopAfterRecords?: number;
  timeoutMs?: number;
};

const quote = (word: string) => `'${word.replaceAll("'", `'\\''`)}'`;

export async function runOnTerminal(
  runner: Runner,
  args: string[],
  options: TerminalOptions = {},
): Promise<TerminalRun> {
  const stdoutFile = join(mkdtempSync(join(tmpdir(), "source-kafka-tty-")), "stdout");
  const connector = [...command(runner), ...args].map(quote).join(" ");
  const out = options.stdoutOnTerminal ? "" : ` > ${quote(stdoutFile)}`;
  const stop = options.stopAfterRecords;
  // A fixed width: a pty made by `script` without a terminal of its own has 0 columns.
  const shell =
    stop === undefined
      ? `stty cols 160 rows 40; exec ${connector}${out}`
      : // The file exists before grep first looks, or grep would complain on the terminal.
        `stty cols 160 rows 40; : > ${quote(stdoutFile)}; ${connector}${out} & pid=$!
         until [ "$(grep -c '"type":"RECORD"' ${quote(stdoutFile)})" -ge ${stop} ] || ! kill -0 $pid; do sleep 0.1; done
         sleep 1; kill -TERM $pid; wait $pid`;
  const child = Bun.spawn(["script", "-qfec", shell, "/dev/null"], {
    stdout: "pipe",
    stderr: "pipe",
    stdin: "ignore",
    env: { ...process.env, ...options.env },
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs ?? 60_000);
  const [output, code] = await Promise.all([new Response(child.stdout).text(), child.exited]);
  clearTimeout(timer);
  const terminal = output.replaceAll("\r\n", "\n");
  if (options.stdoutOnTerminal) return { code, terminal, stdout: "", messages: [] };
  const stdout = readFileSync(stdoutFile, "utf8");
  return { code, terminal, stdout, messages: parseProtocol(stdout) };
}
