// Shared helpers: tiny argv parser and one JSON result line per run.
const argv: string[] = (globalThis as any).Deno ? (globalThis as any).Deno.args : process.argv.slice(2);

export function arg(name: string, fallback: string): string {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < argv.length ? (argv[i + 1] ?? fallback) : fallback;
}

export function runtime(): string {
  const g = globalThis as any;
  if (g.Deno) return `deno ${g.Deno.version.deno}`;
  if (g.Bun)
    return `bun ${g.Bun.version}${g.Bun.main?.startsWith("/$bunfs") || g.Bun.main?.includes("~BUN") ? " (compiled)" : ""}`;
  return `node ${process.version}`;
}

export function report(client: string, records: number, firstRecordMs: number, totalMs: number): void {
  console.log(
    JSON.stringify({
      client,
      runtime: runtime(),
      records,
      firstRecordMs: Math.round(firstRecordMs),
      totalMs: Math.round(totalMs),
      msgsPerSec: Math.round(records / (totalMs / 1000)),
    }),
  );
}
