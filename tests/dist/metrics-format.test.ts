/**
 * The compiled executable's /metrics, read by Prometheus's own code: each scrape (while the plan
 * waits for the cluster, and while tailing) goes through tests/support/promlint, which parses it
 * with github.com/prometheus/common/expfmt and lints names, types and help with client_golang's
 * promlint (what `promtool check metrics` runs). Built with the machine's `go`, as bench/ builds
 * its franz-go peer.
 */
import { beforeAll, expect, test } from "bun:test";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { bootstrap } from "../support/broker.ts";
import { catalog, jsonFile, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { get, scrape, untilStatus, value } from "../support/metrics.ts";
import { closedPort } from "../support/net.ts";
import { startLive } from "../support/process.ts";
import { until } from "../support/wait.ts";

const root = join(import.meta.dir, "..", "..");
let promlint: string;

beforeAll(() => {
  promlint = join(mkdtempSync(join(tmpdir(), "promlint-")), "promlint");
  const built = spawnSync("go", ["build", "-o", promlint, "."], {
    cwd: join(root, "tests", "support", "promlint"),
    encoding: "utf8",
  });
  if (built.status !== 0) throw new Error(`go build of tests/support/promlint failed: ${built.stderr}`);
}, 300_000);

/** What promlint says of a scrape: its exit code and the problems it printed. */
function lint(text: string): { code: number | null; problems: string } {
  const result = spawnSync(promlint, [], { input: text, encoding: "utf8" });
  return { code: result.status, problems: `${result.stdout}${result.stderr}`.trim() };
}

test("promlint refuses what it guards against: text that does not parse, names against the conventions", () => {
  expect(lint('# TYPE a_total counter\na_total{x="unclosed} 1\n').code).toBe(2);
  expect(lint("# HELP a_ms Time.\n# TYPE a_ms gauge\na_ms 1\n")).toEqual({
    code: 1,
    problems: "a_ms: metric names should not contain abbreviated units",
  });
  expect(lint("# HELP b Fetches.\n# TYPE b counter\nb 1\n")).toEqual({
    code: 1,
    problems: 'b: counter metrics should have "_total" suffix',
  });
});

test("every scrape of the executable parses and passes Prometheus's lint, planning and tailing", async () => {
  const broker = await bootstrap();
  const planningPort = await closedPort();
  const planning = startLive("binary", [
    "read",
    "--config",
    jsonFile("config.json", { bootstrap_servers: `127.0.0.1:${await closedPort()}` }),
    "--catalog",
    jsonFile("catalog.json", catalog(["nowhere"])),
    "--metrics",
    `127.0.0.1:${planningPort}`,
  ]);
  try {
    await untilStatus(planningPort, "/healthz", 200, () => planning.exitCode() === null);
    expect(lint((await get(planningPort, "/metrics")).body)).toEqual({ code: 0, problems: "" });
  } finally {
    planning.kill("SIGTERM");
  }
  await planning.finished;

  const topic = uniqueTopic("metrics-format");
  await createTopic(broker, topic, 2);
  await produce(broker, topic, [
    { partition: 0, value: '{"a":1}' },
    { partition: 1, value: "text" },
  ]);
  const port = await closedPort();
  const live = startLive("binary", [
    "read",
    "--tail",
    "--config",
    jsonFile("config.json", { bootstrap_servers: broker, checkpoint_interval_ms: 200 }),
    "--catalog",
    jsonFile("catalog.json", catalog([topic])),
    "--metrics",
    `127.0.0.1:${port}`,
  ]);
  try {
    await untilStatus(port, "/readyz", 200, () => live.exitCode() === null);
    // Once every family has samples: records written, a STATE, a fetch report.
    await until("a full scrape", async () => {
      const scraped = await scrape(port);
      return (
        value(scraped, "source_kafka_records_total", { topic }) === 2 &&
        value(scraped, "source_kafka_fetch_requests_total")! > 0 &&
        value(scraped, "source_kafka_last_state_age_seconds") !== undefined
      );
    });
    expect(lint((await get(port, "/metrics")).body)).toEqual({ code: 0, problems: "" });
  } finally {
    live.kill("SIGTERM");
  }
  expect((await live.finished).code).toBe(0);
}, 120_000);
