/**
 * The whole test suite, as `npm test` runs it: compile the executable (the protocol tests run it
 * beside the source), build the schema registry and the Python environment of tests/dist/airbyte,
 * start the broker when none is up (and stop it after), run `bun test`, and end with the plain
 * "N passed, N failed" line that CI reads.
 */
import { spawn, spawnSync } from "node:child_process";
import { join } from "node:path";

const root = join(import.meta.dir, "..");
const bun = process.execPath;

const build = spawnSync(bun, ["build.ts"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);
// The schema registry the registry tests start (harness/registry.ts) is built by Maven once, here
// rather than inside a test's time limit: the first build fetches ~200 MB of jars.
const registry = spawnSync(bun, ["harness/cli.ts", "build-registry"], { cwd: root, stdio: "inherit" });
if (registry.status !== 0) process.exit(registry.status ?? 1);
// Likewise Kafka Connect and Debezium's jars for the CDC tests (harness/debezium.ts; ~40 MB the first time).
const debezium = spawnSync(bun, ["harness/cli.ts", "fetch-debezium"], { cwd: root, stdio: "inherit" });
if (debezium.status !== 0) process.exit(debezium.status ?? 1);
// Likewise the Python environment in which tests/dist/airbyte.test.ts runs PyAirbyte and airbyte-cdk
// (from PyPI, ~2 min the first time), cached outside the checkout for every clone on the machine.
const venv = spawnSync(bun, ["tests/dist/airbyte/venv.ts"], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
if (venv.status !== 0) process.exit(venv.status ?? 1);

// Tests against a real broker take seconds, not bun's default 5 s limit.
const child = spawn(bun, ["scripts/with-broker.ts", bun, "test", "--timeout", "120000", ...process.argv.slice(2)], {
  cwd: root,
  stdio: ["ignore", "pipe", "pipe"],
});

// bun test writes its report to stderr; pass everything through and keep the summary counts.
let passed = 0;
let failed = 0;
const watch = (stream: NodeJS.ReadableStream, out: NodeJS.WritableStream) => {
  let pending = "";
  stream.on("data", (chunk: Buffer) => {
    out.write(chunk);
    pending += chunk.toString();
    const lines = pending.split("\n");
    pending = lines.pop()!;
    for (const line of lines) {
      const pass = /^\s*(\d+) pass\s*$/.exec(line);
      const fail = /^\s*(\d+) fail\s*$/.exec(line);
      if (pass) passed = Number(pass[1]);
      if (fail) failed = Number(fail[1]);
    }
  });
};
watch(child.stdout!, process.stdout);
watch(child.stderr!, process.stderr);

for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));

child.on("exit", (code) => {
  console.log(`\n${passed} passed, ${failed} failed`);
  process.exit(code ?? 1);
});
