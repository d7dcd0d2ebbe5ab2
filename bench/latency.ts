/**
 * Tail latency: Kafka's Java producer writes records at a fixed rate while `read --tail` and
 * `kcat -u -o end` (the peer, in the same run) both follow the topic. The reader of each one's
 * stdout stamps every record's arrival; latency = arrival − the time the broker appended the
 * record: the topic stamps records with LogAppendTime, so the producer's own delays (its JVM
 * starting, connecting, batching) stay out of a consumer's figure; and a 5 s burst before the
 * measured one warms the broker and both followers up. Without them, the first second of every
 * run was a few hundred records late for both followers, which alone set the p99: that is a
 * cold start's cost, not a tail's. Both clocks are this machine's.
 */
import { kafkaTool } from "../harness/kafka.ts";
import { createTopic, deleteTopic, produce } from "../harness/topics.ts";
import { quantile } from "./measure.ts";

export type Follower = { id: string; label: string; command: string[]; timestampOf: (line: string) => number | null };

export type LatencyResult = {
  id: string;
  label: string;
  received: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
};

export async function tailLatency(options: {
  bootstrap: string;
  topic: string;
  rate: number;
  seconds: number;
  payloadFile: string;
  followers: (topic: string) => Follower[];
  log: (line: string) => void;
}): Promise<{ sent: number; results: LatencyResult[] }> {
  const { bootstrap, topic, rate, seconds, log } = options;
  const sent = rate * seconds;
  await createTopic(bootstrap, topic, 8, { configs: { "message.timestamp.type": "LogAppendTime" } });
  const followers = options.followers(topic).map((f) => follow(f));
  try {
    // Ready when each follower has seen a probe produced after it started: kcat's "-o end" would
    // otherwise skip whatever came before its partitions were assigned.
    let probes = 0;
    const readyBy = Date.now() + 60_000;
    while (followers.some((f) => f.probes === 0)) {
      if (Date.now() > readyBy) throw new Error("tail followers saw no probe within 60 s");
      for (const f of followers) if (f.exited) throw new Error(`${f.label} exited early: ${await f.stderr}`);
      await produce(bootstrap, topic, [{ partition: probes++ % 8, value: '{"probe":true}' }]);
      await Bun.sleep(300);
    }
    // A warm-up burst first, not counted: the broker's JVM, like the followers, runs its produce
    // and fetch paths cold at first, and that first second alone otherwise sets every p99.
    const warmUp = Math.min(sent, rate * 5);
    log(`warming up with ${warmUp} records at ${rate}/s to ${topic} (not counted)`);
    await producePerformance(bootstrap, topic, warmUp, rate, options.payloadFile);
    await Bun.sleep(1000);
    const startedAt = Date.now();
    for (const f of followers) f.since = startedAt;
    log(`producing ${sent} records at ${rate}/s to ${topic}`);
    await producePerformance(bootstrap, topic, sent, rate, options.payloadFile);
    const drainBy = Date.now() + 15_000;
    while (followers.some((f) => f.latencies.length < sent) && Date.now() < drainBy) await Bun.sleep(100);
  } finally {
    for (const f of followers) f.stop();
    await Promise.all(followers.map((f) => f.done));
    await deleteTopic(bootstrap, topic).catch(() => {});
  }
  return {
    sent,
    results: followers.map((f) => ({
      id: f.id,
      label: f.label,
      received: f.latencies.length,
      p50: quantile(f.latencies, 0.5),
      p90: quantile(f.latencies, 0.9),
      p99: quantile(f.latencies, 0.99),
      max: Math.max(...f.latencies),
    })),
  };
}

/** Kafka's Java producer at a fixed rate, acks=all and no linger (each record sent at once). */
function producePerformance(bootstrap: string, topic: string, records: number, rate: number, payloadFile: string) {
  return kafkaTool("org.apache.kafka.tools.ProducerPerformance", [
    "--topic",
    topic,
    "--num-records",
    String(records),
    "--payload-file",
    payloadFile,
    "--throughput",
    String(rate),
    "--producer-props",
    `bootstrap.servers=${bootstrap}`,
    "acks=all",
    "linger.ms=0",
  ]);
}

function follow(follower: Follower) {
  const child = Bun.spawn(follower.command, { stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  const state = {
    ...follower,
    since: Number.POSITIVE_INFINITY,
    probes: 0,
    latencies: [] as number[],
    exited: false,
    stderr: new Response(child.stderr).text(),
    stop: () => child.kill("SIGTERM"),
    done: Promise.resolve() as Promise<unknown>,
  };
  child.exited.then(() => (state.exited = true));
  state.done = (async () => {
    const decoder = new TextDecoder();
    let pending = "";
    for await (const chunk of child.stdout) {
      const arrived = Date.now();
      const lines = (pending + decoder.decode(chunk, { stream: true })).split("\n");
      pending = lines.pop()!;
      for (const line of lines) {
        const timestamp = follower.timestampOf(line);
        if (timestamp === null) continue;
        if (timestamp >= state.since) state.latencies.push(arrived - timestamp);
        else state.probes++;
      }
    }
    await child.exited;
  })();
  return state;
}
