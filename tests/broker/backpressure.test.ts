/**
 * A slow reader must slow the connector down, not fill its memory: with a large backlog in Kafka
 * and stdout read at ~1 MB/s, the connector's resident memory stays bounded and flat while the
 * backlog waits.
 *
 * Binary runner only: the compiled executable is what a platform runs and whose memory it
 * limits; under `bun src/main.ts` the RSS would include the transpiler's and differ in baseline,
 * and the bound below is reasoned for the executable.
 */
import { beforeAll, expect, test } from "bun:test";
import { producePerf } from "../support/backlog.ts";
import { bootstrap } from "../support/broker.ts";
import { catalog, jsonFile, uniqueTopic } from "../support/connector.ts";
import { createTopic } from "../support/kafka.ts";
import { rssBytes, startLive } from "../support/process.ts";

const MiB = 1 << 20;
const partitions = 4;
// ~300 MB of values, ~500 MB as protocol lines (~850 B a line): far more than the bound below,
// so a connector that fetched ahead of stdout would blow through it within seconds.
const count = 600_000;
const size = 500;
const readRate = 1_000_000; // bytes a second
const sampleForMs = 10_000;
const sampleEveryMs = 200;
const startupLimitMs = 30_000;

// The bound. The executable with its main thread and two worker threads sits at ~170 MiB once
// started (the runtime, the mapped binary, three JS heaps). By design what is in flight is at most
// workers (2) × batches in flight per worker (2, maxBatchesInFlight in src/commands/read.ts) ×
// one fetch (≤ 2 partitions × 2 MiB of records, ~1.6× that once serialised as lines) ≈ 85 MiB,
// plus garbage not yet collected. Peaks of 250–290 MiB were observed; 400 MiB leaves headroom for
// a slower or busier machine while staying far below the ≥ 600 MiB that buffering the backlog's
// lines would take.
const rssBound = 400 * MiB;
// Flat: the last third of the samples may not peak more than this above all earlier samples.
const growthMargin = 48 * MiB;

let broker: string;
let topic: string;
beforeAll(async () => {
  broker = await bootstrap();
  topic = uniqueTopic("backpressure");
  await createTopic(broker, topic, partitions);
  await producePerf(broker, topic, count, size);
}, 90_000);

test("with stdout read slowly, RSS stays bounded while a large backlog waits", async () => {
  const config = jsonFile("config.json", { bootstrap_servers: broker, workers: 2 });
  let records = 0;
  const live = startLive(
    "binary",
    ["read", "--config", config, "--catalog", jsonFile("catalog.json", catalog([topic]))],
    {
      bytesPerSecond: readRate,
      onLine: (line) => {
        if (line.startsWith('{"type":"RECORD"')) records++;
      },
    },
  );
  // Sampled from the start (startup counts toward the peak), for sampleForMs after the first
  // record arrives: by then the pipe is full and the workers have fetched ahead as far as they may.
  const samples: number[] = [];
  let streamingFrom: number | undefined;
  const started = Date.now();
  try {
    while (streamingFrom === undefined || samples.length - streamingFrom < sampleForMs / sampleEveryMs) {
      if (streamingFrom === undefined && records > 0) streamingFrom = samples.length;
      if (streamingFrom === undefined && Date.now() - started > startupLimitMs)
        throw new Error(`no record within ${startupLimitMs} ms`);
      const rss = rssBytes(live.pid);
      if (rss === null) break;
      samples.push(rss);
      await Bun.sleep(sampleEveryMs);
    }
    // Still running: the backlog was waiting on the reader the whole time, not already written.
    expect(live.exitCode()).toBeNull();
  } finally {
    live.kill("SIGKILL");
  }
  const exit = await live.finished;
  const elapsed = (Date.now() - started) / 1000;
  const mib = (n: number) => `${(n / MiB).toFixed(0)} MiB`;
  const report = `RSS every ${sampleEveryMs} ms (records flowing from sample ${streamingFrom}): ${samples.map(mib).join(", ")}; ${records} records read; stderr: ${exit.stderr.slice(0, 300)}`;

  // Progress: records flowed at about the reader's pace — the test measured a working read.
  expect(records, report).toBeGreaterThan(1000);
  expect(live.bytesRead(), report).toBeLessThan(readRate * elapsed * 1.5 + MiB);

  const peak = Math.max(...samples);
  expect(peak, report).toBeLessThan(rssBound);
  // Flat: the last third of the streaming time sets no new high above everything before it
  // (startup's ramp included) by more than the margin — a leak per batch would.
  const streaming = samples.slice(streamingFrom);
  const lastThird = streaming.slice(-Math.floor(streaming.length / 3));
  const before = samples.slice(0, samples.length - lastThird.length);
  expect(Math.max(...lastThird), report).toBeLessThanOrEqual(Math.max(...before) + growthMargin);
}, 90_000);
