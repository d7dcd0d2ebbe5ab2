/**
 * The compatibility matrix, as `npm run test:compat` runs it: tests/broker/compat.test.ts against each
 * Kafka release below (or $COMPAT_BROKERS), one broker at a time, each started by the test from
 * Maven Central's jars and stopped after; then a table of results and times, and the plain
 * "N passed, N failed" line CI reads. Builds the executable first (the tests run it).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";

const matrix = process.env.COMPAT_BROKERS ?? "2.7.2,2.8.2,3.0.2,3.6.2/zookeeper,3.6.2/kraft,3.9.1,4.1.1";
const root = join(import.meta.dir, "..");
const bun = process.execPath;

const build = spawnSync(bun, ["build.ts"], { cwd: root, stdio: "inherit" });
if (build.status !== 0) process.exit(build.status ?? 1);

const rows: { broker: string; passed: number; failed: number; seconds: number }[] = [];
for (const broker of matrix.split(",")) {
  const started = Date.now();
  const result = spawnSync(
    bun,
    ["test", "--timeout", "180000", "tests/broker/compat.test.ts", ...process.argv.slice(2)],
    {
      cwd: root,
      env: { ...process.env, COMPAT_BROKERS: broker },
      stdio: ["ignore", "inherit", "pipe"],
      encoding: "utf8",
    },
  );
  process.stderr.write(result.stderr);
  const count = (word: string) => Number(new RegExp(`^\\s*(\\d+) ${word}\\s*$`, "m").exec(result.stderr)?.[1] ?? 0);
  // A run that died before counting anything still counts as a failure.
  const failed = count("fail") || (result.status === 0 ? 0 : 1);
  rows.push({ broker, passed: count("pass"), failed, seconds: Math.round((Date.now() - started) / 1000) });
}

console.log("\n| broker | passed | failed | time |\n|---|---|---|---|");
for (const r of rows) console.log(`| ${r.broker} | ${r.passed} | ${r.failed} | ${r.seconds} s |`);
const passed = rows.reduce((sum, r) => sum + r.passed, 0);
const failed = rows.reduce((sum, r) => sum + r.failed, 0);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
