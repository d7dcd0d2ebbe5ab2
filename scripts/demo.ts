/**
 * The demo, as `npm run demo` runs it: start the local broker (unless one is up), produce
 * account events, run the connector's `read`, show its records and checkpoints, then produce
 * more and read again from the saved state to show that it resumes exactly.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { down, running, up } from "../harness/kafka.ts";
import { createTopic, produce, type TestMessage } from "../harness/topics.ts";

const root = join(import.meta.dir, "..");
const work = mkdtempSync(join(tmpdir(), "source-kafka-demo-"));
// Bold on a terminal only, and never with NO_COLOR: piped or logged, the demo's output is plain text.
const bold = process.stdout.isTTY && !process.env.NO_COLOR;
const say = (text: string) => console.log(bold ? `\x1b[1m${text}\x1b[0m` : text);

const existing = await running();
const cluster = existing ?? (await up());
say(`Kafka is up at ${cluster.bootstrap}${existing ? " (already running)" : ""}`);

try {
  const topic = `account-events-${Date.now().toString(36)}`;
  await createTopic(cluster.bootstrap, topic, 3);
  const event = (account: string, kind: string, amount: number): TestMessage => ({
    partition: Number(account.slice(-1)) % 3,
    key: account,
    value: JSON.stringify({ account, kind, amount }),
    headers: { source: "demo" },
  });
  await produce(cluster.bootstrap, topic, [
    event("acct-1", "opened", 0),
    event("acct-2", "opened", 0),
    event("acct-1", "deposited", 100),
    event("acct-3", "opened", 0),
    event("acct-2", "deposited", 40),
    event("acct-1", "withdrawn", 30),
  ]);
  say(`Produced 6 account events to topic ${topic} (3 partitions, keyed by account)`);

  const config = join(work, "config.json");
  const catalog = join(work, "catalog.json");
  const state = join(work, "state.json");
  writeFileSync(config, JSON.stringify({ bootstrap_servers: cluster.bootstrap }, null, 2));
  writeFileSync(
    catalog,
    JSON.stringify(
      { streams: [{ stream: { name: topic }, sync_mode: "incremental", destination_sync_mode: "append" }] },
      null,
      2,
    ),
  );

  const read = (withState: boolean) => {
    const args = [
      "src/main.ts",
      "read",
      "--config",
      config,
      "--catalog",
      catalog,
      ...(withState ? ["--state", state] : []),
    ];
    say(`\n$ source-kafka ${args.slice(1).join(" ")}`);
    const result = spawnSync(process.execPath, args, { cwd: root, encoding: "utf8" });
    if (result.status !== 0) throw new Error(`read failed: ${result.stderr}`);
    const messages = result.stdout
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    for (const m of messages) {
      if (m.type === "RECORD") {
        const { _meta, _kafka_partition, _kafka_offset, ...doc } = m.record.data;
        console.log(`RECORD  p${_meta.partition}@${_meta.offset}  key=${_meta.key}  ${JSON.stringify(doc)}`);
      } else if (m.type === "STATE") {
        console.log(
          `STATE   ${JSON.stringify(m.state.stream.stream_state)}  records since last: ${m.state.sourceStats.recordCount}`,
        );
      }
    }
    const states = messages.filter((m) => m.type === "STATE");
    writeFileSync(state, JSON.stringify(states));
    console.log(`(${messages.length} protocol lines; full output is one JSON message per line)`);
  };

  read(false);
  await produce(cluster.bootstrap, topic, [event("acct-3", "deposited", 75), event("acct-2", "withdrawn", 10)]);
  say("\nProduced 2 more events; reading again from the saved state emits only those:");
  read(true);
  say(`\nFiles used: ${work}`);
} finally {
  if (!existing) {
    await down();
    say("Stopped the broker the demo started.");
  }
}
