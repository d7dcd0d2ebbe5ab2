/**
 * Keeps code that runs once per fetch, not once per record, out of JSC's optimising tier (FTL).
 * Such a function reaches that tier late in a long read (after ~10 s of a 10M-record backlog),
 * in every worker at about the same moment, and inlines so much of the client library's reader
 * that its compile takes ~100 ms and ~10–15 MiB of the compiler's memory: the spikes that set a
 * long read's peak RSS (docs/decisions/0013). The tier below it (DFG) is fast enough for
 * something that runs a few thousand times. Bun only (`bun:jsc`'s `noFTL`); elsewhere a no-op.
 */
import process from "node:process";

type Jsc = { noFTL(fn: (...args: never[]) => unknown): unknown };

const jsc = (() => {
  try {
    return process.getBuiltinModule?.("bun:jsc") as Jsc | undefined;
  } catch {
    return undefined;
  }
})();

/** Marks each function as one that runs per fetch: JSC never compiles it with FTL. */
export function perFetchCode(...functions: ((...args: never[]) => unknown)[]): void {
  if (!jsc || typeof jsc.noFTL !== "function") return;
  for (const fn of functions) jsc.noFTL(fn);
}
