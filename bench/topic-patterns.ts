/**
 * Topic patterns over hundreds of topic names: the linear-time matcher (src/config/pattern.ts)
 * against the runtime's backtracking RegExp, under whichever runtime runs this file:
 *
 *   bun bench/topic-patterns.ts
 *   node_modules/.bin/deno run --no-lock -A bench/topic-patterns.ts
 *
 * RegExp runs in a worker that is ended after `regExpLimitMs`: under V8 `(a+)+` over one of these
 * names does not end at all. Figures are recorded in docs/decisions/0008-linear-topic-patterns.md.
 */
import { topicPattern } from "../src/config/pattern.ts";

const regExpLimitMs = 20_000;
const names = Array.from({ length: 300 }, (_, i) => `${"a".repeat(40)}_${i}`);
// Random names of Kafka's longest (249 characters), for the patterns whose cost grows with length.
let seed = 42;
const random = (n: number) => {
  seed = (seed * 1103515245 + 12345) & 0x7fffffff;
  return seed % n;
};
const alphabet = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";
const longNames = Array.from({ length: 300 }, () =>
  Array.from({ length: 249 }, () => (random(3) ? "ax"[random(2)] : alphabet[random(alphabet.length)])).join(""),
);

const cases: [string, string[]][] = [
  ["(a+)+", names],
  ["(a+)+_x|a+_1[0-9]*", names],
  ["(.*a){20}", names],
  ["orders-.*|payments-(eu|us)", names],
  // The most costly patterns the state bound lets in: every state live at every character.
  ["(.*){0,330}", longNames],
  ["((.|.)*){0,199}", longNames],
  ["([ax]{1,5}-?){1,80}", longNames],
];

function regExpOverFirstName(pattern: string): Promise<string> {
  const source = `self.onmessage = (e) => { const t = performance.now(); const r = new RegExp(e.data.p).test(e.data.n); self.postMessage({ r, ms: performance.now() - t }); };`;
  const url = URL.createObjectURL(new Blob([source], { type: "application/javascript" }));
  const worker = new Worker(url, { type: "module" });
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      worker.terminate();
      resolve(`> ${regExpLimitMs / 1000} s for one name (ended)`);
    }, regExpLimitMs);
    worker.onmessage = (event: MessageEvent<{ r: boolean; ms: number }>) => {
      clearTimeout(timer);
      worker.terminate();
      resolve(`${event.data.ms.toFixed(0)} ms for one name (answer ${event.data.r})`);
    };
    worker.postMessage({ p: `^(?:${pattern})$`, n: names[0] });
  });
}

console.log(`runtime: ${typeof (globalThis as { Deno?: unknown }).Deno === "object" ? "Deno" : "Bun"}`);
const lines: string[] = [];
for (const [pattern, over] of cases) {
  const started = performance.now();
  const compiled = topicPattern(pattern);
  let matched = 0;
  let worst = 0;
  for (const name of over) {
    const t = performance.now();
    if (compiled.matches(name)) matched++;
    worst = Math.max(worst, performance.now() - t);
  }
  const ms = performance.now() - started;
  lines.push(
    `${pattern.padEnd(28)} ${over.length} names of ${over[0]?.length}: ${ms.toFixed(1)} ms (worst name ${worst.toFixed(2)} ms), ${matched} match`,
  );
}
// RegExp last: under V8 a worker ended mid-match may go on spinning, and would slow what follows.
for (const [i, [pattern, over]] of cases.entries()) {
  console.log(`${lines[i]}; RegExp: ${over === names ? await regExpOverFirstName(pattern) : "not run"}`);
}
