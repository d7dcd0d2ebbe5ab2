/**
 * The benchmark's own Kafka 4.1.1 broker, apart from the harness's (which the test suites use and
 * which reformats its data on every start). It runs from the harness's cached jars with its own
 * data directory and ports, and keeps its data between runs so that produced topics are reused.
 *
 *   bun bench/broker.ts up|down|status     # BENCH_KAFKA_DIR overrides /tmp/bench-kafka
 */
import { spawn } from "node:child_process";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { accepts, freePort, kafkaTool, LOG4J_CONFIG } from "../harness/kafka.ts";

export const dir = process.env.BENCH_KAFKA_DIR ?? "/tmp/bench-kafka";
const libs = join(resolve(import.meta.dir, ".."), ".cache", "kafka", "libs");
const host = "127.0.0.1";
const props = join(dir, "server.properties");
const state = join(dir, "broker.json");
const log = join(dir, "broker.log");

export type BenchBroker = { bootstrap: string; controller: string; pid: number };

/** Starts the broker unless it runs already; its data (and so the produced topics) survive restarts. */
export async function up(): Promise<BenchBroker> {
  const current = await running();
  if (current) return current;
  mkdirSync(join(dir, "data"), { recursive: true });
  // Ports are chosen once and kept: the broker's metadata log remembers its listeners.
  const saved = existsSync(state) ? (JSON.parse(readFileSync(state, "utf8")) as BenchBroker) : null;
  const port = saved ? Number(saved.bootstrap.split(":")[1]) : await freePort();
  const controllerPort = saved ? Number(saved.controller.split(":")[1]) : await freePort();
  writeFileSync(join(dir, "log4j2.properties"), LOG4J_CONFIG);
  writeFileSync(
    props,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@${host}:${controllerPort}`,
      `listeners=PLAINTEXT://${host}:${port},CONTROLLER://${host}:${controllerPort}`,
      `advertised.listeners=PLAINTEXT://${host}:${port}`,
      "controller.listener.names=CONTROLLER",
      "inter.broker.listener.name=PLAINTEXT",
      "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
      `log.dirs=${join(dir, "data")}`,
      "offsets.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      // The cached topics are the point of keeping the data: never expire them.
      "log.retention.ms=-1",
      "",
    ].join("\n"),
  );
  if (!existsSync(join(dir, "data", "meta.properties"))) {
    // kafkaTool also fetches the jars into the harness cache when they are missing.
    const clusterId = (await kafkaTool("kafka.tools.StorageTool", ["random-uuid"])).stdout.trim();
    await kafkaTool("kafka.tools.StorageTool", ["format", "-t", clusterId, "-c", props]);
  }
  const out = openSync(log, "a");
  const child = spawn(
    "java",
    [
      "-Xmx1g",
      `-Dlog4j2.configurationFile=${join(dir, "log4j2.properties")}`,
      "-cp",
      join(libs, "*"),
      "kafka.Kafka",
      props,
    ],
    {
      detached: true,
      stdio: ["ignore", out, out],
    },
  );
  closeSync(out);
  child.unref();
  let exited = false;
  child.on("exit", () => (exited = true));
  const broker: BenchBroker = {
    bootstrap: `${host}:${port}`,
    controller: `${host}:${controllerPort}`,
    pid: child.pid!,
  };
  writeFileSync(state, `${JSON.stringify(broker, null, 2)}\n`);
  const deadline = Date.now() + 90_000;
  while (!(await accepts(broker.bootstrap))) {
    if (exited) throw new Error(`the bench broker exited during startup; see ${log}`);
    if (Date.now() > deadline) throw new Error(`the bench broker did not start within 90 s; see ${log}`);
    await Bun.sleep(250);
  }
  // Accepting TCP comes before serving metadata; topic admin retries cover the gap.
  return broker;
}

/** The broker if its process is alive and its port accepts connections. */
export async function running(): Promise<BenchBroker | null> {
  if (!existsSync(state)) return null;
  const broker = JSON.parse(readFileSync(state, "utf8")) as BenchBroker;
  if (!isOurs(broker.pid)) return null;
  return (await accepts(broker.bootstrap)) ? broker : null;
}

/** Stops the broker (SIGTERM, Kafka's clean shutdown), keeping its data. */
export async function down(): Promise<boolean> {
  if (!existsSync(state)) return false;
  const { pid } = JSON.parse(readFileSync(state, "utf8")) as BenchBroker;
  if (!isOurs(pid)) return false;
  process.kill(-pid, "SIGTERM");
  for (let i = 0; i < 300 && isOurs(pid); i++) await Bun.sleep(100);
  if (isOurs(pid)) process.kill(-pid, "SIGKILL");
  return true;
}

function isOurs(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(props);
  } catch {
    return false;
  }
}

if (import.meta.main) {
  const command = process.argv[2];
  if (command === "up") console.log(`bench broker at ${(await up()).bootstrap} (data in ${dir})`);
  else if (command === "down") console.log((await down()) ? "stopped" : "not running");
  else if (command === "status") console.log(JSON.stringify(await running()));
  else {
    console.error("usage: bun bench/broker.ts up|down|status");
    process.exit(2);
  }
}
