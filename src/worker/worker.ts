/**
 * A read worker thread: owns some partitions, fetches them, decodes each record and serialises it
 * to a protocol line, and hands the main thread ready bytes. At most `maxBatchesInFlight` batches
 * wait for the main thread's ack, so a slow stdout slows fetching instead of growing memory.
 * This file is the thread's entry and loop; fetching.ts, pending-batch.ts and partition-errors.ts
 * do the work, all on one WorkerState.
 */
import { failureType, oneLine } from "../errors.ts";
import { KafkaClient } from "../kafka/client.ts";
import type { SchemaCache } from "../registry/schemas.ts";
import { fetchOnce } from "./fetching.ts";
import type { FromWorker, ToWorker, WorkerStart } from "./messages.ts";
import { newWorkerState, toPosition, untilRoomForBatch, wake, type WorkerState } from "./state.ts";

declare const self: Worker;

const idleWaitMs = 100;
/** How often the fetches' counts go to the main thread (for /metrics): rarely enough to cost nothing. */
const fetchReportMs = 1000;

let worker: WorkerState | undefined;

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => self.postMessage(message, transfer);

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const message = event.data;
  if (message.type === "start") {
    const start = message;
    const state = newWorkerState(
      start,
      () => new KafkaClient(start.settings, { rack: start.clientRack, known: start.cluster }),
      post,
    );
    worker = state;
    run(state).catch((error) => post({ type: "error", failureType: failureType(error), message: oneLine(error) }));
    return;
  }
  if (!worker) return;
  if (message.type === "ack") {
    worker.inFlight--;
    worker.outputBuffers.back(message.lines);
  } else if (message.type === "add") {
    const budget = worker.start.retryBudgetMs;
    worker.positions.push(...message.assignments.map((a) => toPosition(a, budget)));
  } else if (message.type === "stop") {
    worker.stopping = true;
  }
  wake(worker);
};

/**
 * The schema registry's decoders, loaded only when one is configured: they bring Avro and
 * Protobuf libraries whose code would otherwise cost every worker a few MB for nothing.
 */
async function registrySchemas(
  registry: NonNullable<WorkerStart["registry"]>,
  timeoutMs: number,
): Promise<SchemaCache> {
  const [{ RegistryClient }, { SchemaCache }] = await Promise.all([
    import("../registry/client.ts"),
    import("../registry/schemas.ts"),
  ]);
  return new SchemaCache(new RegistryClient(registry, timeoutMs));
}

async function run(worker: WorkerState): Promise<void> {
  const { start } = worker;
  if (start.registry) worker.schemas = await registrySchemas(start.registry, start.settings.connect_timeout_ms);
  const tailing = worker.positions.some((p) => p.to === null);
  // A worker whose loop throws is ended by the main thread, this timer with it.
  const reporting = setInterval(() => reportFetches(worker), fetchReportMs);
  while (!worker.stopping) {
    const active = worker.positions.filter((p) => p.to === null || p.next < p.to);
    if (active.length === 0) {
      if (!tailing) break;
      await sleep(idleWaitMs);
      continue;
    }
    const now = Date.now();
    const ready = active.filter((p) => p.notBefore <= now);
    if (ready.length === 0) {
      // Every partition left is backing off; the wait is at most RetryBudget.maxDelayMs.
      await sleep(Math.min(...active.map((p) => p.notBefore)) - now);
      continue;
    }
    await untilRoomForBatch(worker);
    if (worker.stopping) break;
    await fetchOnce(worker, ready);
  }
  clearInterval(reporting);
  await worker.client.close();
  reportFetches(worker);
  post({ type: "done" });
}

/** Hands the main thread what the fetches met since the last report, if anything. */
function reportFetches(worker: WorkerState): void {
  const report = worker.fetchStats.take();
  if (report) post({ type: "fetches", report });
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
