/**
 * A three-node Kafka cluster (KRaft, each JVM a broker and one of three controller voters) for
 * fault tests: a broker can be stopped and restarted on the same ports with its data, and
 * preferred leaders re-elected. It lives in .cache/kafka-cluster/, beside the single-node harness
 * broker (harness/kafka.ts), whose jars it shares.
 *
 * Each node is its own rack (`rackOf`), as three availability zones, and leaders name a replica in
 * a fetching client's rack (RackAwareReplicaSelector, KIP-392); a client that names no rack reads
 * from leaders as on any cluster. The brokers' request log (`logRequests`) shows which broker
 * served which fetch.
 *
 * Each start formats fresh data; a node restarted with `startNode` keeps its own.
 */
import { Admin } from "@platformatic/kafka";
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  HarnessError,
  KAFKA_VERSION,
  LIBS,
  LOG4J_CONFIG,
  brokerSpec,
  ensureLibs,
  freePort,
  kafkaTool,
  metadataBrokerCount,
  requireCommand,
  signalGroup,
  toolJvm,
} from "./kafka.ts";

const HOST = "127.0.0.1";
const STATE = join(resolve(import.meta.dir, ".."), ".cache", "kafka-cluster");
const CLUSTER = join(STATE, "cluster.json");
const LOG4J = join(STATE, "log4j2.properties");
const START_TIMEOUT_MS = 90_000;
const STOP_TIMEOUT_MS = 30_000;
export const NODE_IDS = [1, 2, 3] as const;
/** Always the default version, whatever KAFKA_VERSION says: the fault tests need KRaft's quick failover. */
const SPEC = brokerSpec(KAFKA_VERSION, "kraft");

export type ClusterNode = { id: number; address: string; controller: string; dir: string };

export interface MultiCluster {
  /** All three brokers, comma-separated, as a client's bootstrap_servers. */
  bootstrap: string;
  nodes: ClusterNode[];
  kafkaVersion: string;
}

const nodeDir = (id: number) => join(STATE, `node-${id}`);
const propsOf = (id: number) => join(nodeDir(id), "server.properties");
const pidFile = (id: number) => join(nodeDir(id), "broker.pid");
/** The node's log (warnings and errors), for a failed start's message. */
export const nodeLog = (id: number) => join(nodeDir(id), "broker.log");

export function readMultiCluster(): MultiCluster | null {
  return existsSync(CLUSTER) ? (JSON.parse(readFileSync(CLUSTER, "utf8")) as MultiCluster) : null;
}

/** Starts a fresh three-node cluster (stopping any previous one); resolves once all three serve metadata. */
export async function upCluster(): Promise<MultiCluster> {
  await downCluster();
  requireCommand("java", ["-version"]);
  ensureLibs(SPEC);
  mkdirSync(STATE, { recursive: true });
  writeFileSync(LOG4J, LOG4J_CONFIG);

  const nodes: ClusterNode[] = [];
  for (const id of NODE_IDS) {
    nodes.push({
      id,
      address: `${HOST}:${await freePort()}`,
      controller: `${HOST}:${await freePort()}`,
      dir: nodeDir(id),
    });
  }
  const voters = nodes.map((n) => `${n.id}@${n.controller}`).join(",");
  let clusterId: string;
  do clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-"));

  for (const node of nodes) {
    rmSync(node.dir, { recursive: true, force: true });
    mkdirSync(join(node.dir, "data"), { recursive: true });
    writeFileSync(propsOf(node.id), serverProperties(node, voters));
    const format = spawnSync(
      "java",
      [...toolJvm(SPEC), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", propsOf(node.id)],
      {
        encoding: "utf8",
      },
    );
    if (format.status !== 0)
      throw new HarnessError(
        `kafka storage format of node ${node.id} failed: ${(format.stderr || format.stdout).trim()}`,
      );
  }
  const cluster: MultiCluster = {
    bootstrap: nodes.map((n) => n.address).join(","),
    nodes,
    kafkaVersion: KAFKA_VERSION,
  };
  writeFileSync(CLUSTER, `${JSON.stringify(cluster, null, 2)}\n`);
  try {
    // The controllers need a quorum (two of three) before any broker registers: start all, then wait.
    const children = nodes.map((node) => spawnNode(node.id));
    await Promise.all(nodes.map((node, i) => waitServing(node, children[i]!)));
  } catch (err) {
    await downCluster();
    throw err;
  }
  return cluster;
}

/** Stops every node and forgets the cluster. Resolves true if any node was running. */
export async function downCluster(): Promise<boolean> {
  let any = false;
  for (const id of NODE_IDS) any = (await stopNode(id, "SIGTERM")) || any;
  rmSync(CLUSTER, { force: true });
  return any;
}

/**
 * Stops one node, keeping its data: SIGTERM is a controlled shutdown (its leaderships move at
 * once), SIGKILL a crash (they move when the controller notices, within the session timeout).
 * Resolves true if it was running.
 */
export async function stopNode(id: number, signal: "SIGTERM" | "SIGKILL" = "SIGTERM"): Promise<boolean> {
  const pid = existsSync(pidFile(id)) ? Number(readFileSync(pidFile(id), "utf8")) : undefined;
  const alive = pid !== undefined && isNode(pid, id);
  if (alive) {
    signalGroup(pid, signal);
    if (!(await exited(pid, id, STOP_TIMEOUT_MS))) {
      signalGroup(pid, "SIGKILL");
      await exited(pid, id, 5_000);
    }
  }
  rmSync(pidFile(id), { force: true });
  return alive;
}

/** Starts a stopped node again on its ports with its data; resolves once it serves metadata. */
export async function startNode(id: number): Promise<void> {
  const cluster = readMultiCluster();
  const node = cluster?.nodes.find((n) => n.id === id);
  if (!node) throw new HarnessError("no three-node cluster (run `bun harness/cli.ts up-cluster`)");
  const pid = existsSync(pidFile(id)) ? Number(readFileSync(pidFile(id), "utf8")) : undefined;
  if (pid !== undefined && isNode(pid, id)) return;
  await waitServing(node, spawnNode(id));
}

/** Node ids whose JVM is alive. */
export function runningNodes(): number[] {
  return NODE_IDS.filter((id) => {
    const pid = existsSync(pidFile(id)) ? Number(readFileSync(pidFile(id), "utf8")) : undefined;
    return pid !== undefined && isNode(pid, id);
  });
}

/**
 * Moves the leadership of every partition of `topic` back to its preferred (first) replica, as
 * `kafka-leader-election --election-type PREFERRED` does. Resolves once the election was accepted.
 */
export async function electPreferredLeaders(bootstrap: string, topic: string, partitions: number): Promise<void> {
  const json = JSON.stringify({
    partitions: Array.from({ length: partitions }, (_, partition) => ({ topic, partition })),
  });
  const file = join(STATE, `elect-${topic}.json`);
  writeFileSync(file, json);
  try {
    await kafkaTool(
      "org.apache.kafka.tools.LeaderElectionCommand",
      ["--bootstrap-server", bootstrap, "--election-type", "PREFERRED", "--path-to-json-file", file],
      { spec: SPEC },
    ).catch((err: Error) => {
      // Partitions already led by their preferred replica are reported as a failure; that is success here.
      if (!/ElectionNotNeeded|already/i.test(err.message)) throw err;
    });
  } finally {
    rmSync(file, { force: true });
  }
}

/** The rack (broker.rack) of node `id`: each node is one. */
export const rackOf = (id: number): string => `rack-${id}`;

/**
 * Turns the request log of the running nodes on (Kafka's kafka.request.logger at DEBUG, a line per
 * request in the node's log, with its client id, request and response) or back off. Set at run
 * time: a node restarted starts with it off.
 */
export async function logRequests(bootstrap: string, on: boolean): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: bootstrap.split(",") });
  try {
    await admin.incrementalAlterConfigs({
      resources: runningNodes().map((id) => ({
        resourceType: brokerLoggerResource,
        resourceName: String(id),
        // SET to DEBUG, or DELETE: back to the root logger's level.
        configs: [
          on
            ? { name: "kafka.request.logger", configOperation: 0, value: "DEBUG" }
            : { name: "kafka.request.logger", configOperation: 1 },
        ],
      })),
    });
  } finally {
    await admin.close();
  }
}

const brokerLoggerResource = 8;

/** One partition of a Fetch response a node's request log shows. */
export type LoggedFetchPartition = {
  partition: number;
  errorCode: number;
  preferredReadReplica: number;
  recordBytes: number;
};

/** A Fetch request a node served, as its request log shows it. */
export type LoggedFetch = { node: number; rackId: string; partitions: LoggedFetchPartition[] };

type RequestLogLine = {
  requestHeader: { clientId: string; requestApiKeyName: string };
  request: { rackId?: string };
  response: {
    responses: {
      partitions: {
        partitionIndex: number;
        errorCode: number;
        preferredReadReplica: number;
        recordsSizeInBytes: number;
      }[];
    }[];
  };
};

/**
 * The Fetch requests of client `clientId` that the nodes logged while `logRequests` was on, node
 * by node in each node's order, with the partitions of each response: in a fetch session
 * (KIP-227) those with news, not every partition the session reads.
 */
export function loggedFetches(clientId: string): LoggedFetch[] {
  const fetches: LoggedFetch[] = [];
  const marker = "Completed request:";
  const tail = " (kafka.request.logger)";
  for (const id of NODE_IDS) {
    if (!existsSync(nodeLog(id))) continue;
    for (const line of readFileSync(nodeLog(id), "utf8").split("\n")) {
      const start = line.indexOf(marker);
      if (start < 0 || !line.includes(`"clientId":${JSON.stringify(clientId)}`) || !line.endsWith(tail)) continue;
      const logged = JSON.parse(line.slice(start + marker.length, -tail.length)) as RequestLogLine;
      if (logged.requestHeader.requestApiKeyName !== "FETCH") continue;
      fetches.push({
        node: id,
        rackId: logged.request.rackId ?? "",
        partitions: logged.response.responses.flatMap((t) =>
          t.partitions.map((p) => ({
            partition: p.partitionIndex,
            errorCode: p.errorCode,
            preferredReadReplica: p.preferredReadReplica,
            recordBytes: p.recordsSizeInBytes,
          })),
        ),
      });
    }
  }
  return fetches;
}

function serverProperties(node: ClusterNode, voters: string): string {
  const port = node.address.split(":")[1];
  const controllerPort = node.controller.split(":")[1];
  return [
    "process.roles=broker,controller",
    `node.id=${node.id}`,
    `controller.quorum.voters=${voters}`,
    `listeners=PLAINTEXT://${HOST}:${port},CONTROLLER://${HOST}:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://${HOST}:${port}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
    `log.dirs=${join(node.dir, "data")}`,
    `broker.rack=${rackOf(node.id)}`,
    "replica.selector.class=org.apache.kafka.common.replica.RackAwareReplicaSelector",
    "default.replication.factor=3",
    "min.insync.replicas=2",
    "offsets.topic.replication.factor=3",
    "transaction.state.log.replication.factor=3",
    "transaction.state.log.min.isr=2",
    "group.initial.rebalance.delay.ms=0",
    // Records with old timestamps stay (see harness/kafka.ts).
    "log.retention.ms=-1",
    // Leadership moves only when a test moves it (stop a node, elect preferred leaders).
    "auto.leader.rebalance.enable=false",
    // A crashed (SIGKILLed) broker is fenced, and its partitions led elsewhere, within 6 s.
    "broker.heartbeat.interval.ms=1000",
    "broker.session.timeout.ms=6000",
    "",
  ].join("\n");
}

function spawnNode(id: number): ChildProcess {
  const logFd = openSync(nodeLog(id), "a");
  // Three JVMs share the machine with the tests: small heaps, serial GC, C1 only.
  const child = spawn(
    "java",
    [
      "-Xmx256m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      `-Dlog4j2.configurationFile=${LOG4J}`,
      "-cp",
      join(LIBS, "*"),
      "kafka.Kafka",
      propsOf(id),
    ],
    { detached: true, stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  child.unref();
  writeFileSync(pidFile(id), `${child.pid}\n`);
  return child;
}

/** Polls until the node answers a metadata request listing all three brokers (or one it can see). */
async function waitServing(node: ClusterNode, child: ChildProcess): Promise<void> {
  let exitedEarly = false;
  child.on("exit", () => (exitedEarly = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (exitedEarly)
      throw new HarnessError(
        `Kafka node ${node.id} exited during startup; ${nodeLog(node.id)} ends with:\n${logTail(node.id)}`,
      );
    // Listed in its own metadata means registered with the controller and unfenced.
    if ((await metadataBrokerCount(node.address).catch(() => 0)) >= runningNodes().length) return;
    await Bun.sleep(250);
  }
  throw new HarnessError(
    `Kafka node ${node.id} was not serving within ${START_TIMEOUT_MS / 1000}s; ${nodeLog(node.id)} ends with:\n${logTail(node.id)}`,
  );
}

/** True if pid is this node's JVM (its command line names the node's properties file). */
function isNode(pid: number, id: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(propsOf(id));
  } catch {
    return false;
  }
}

async function exited(pid: number, id: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isNode(pid, id)) return true;
    await Bun.sleep(100);
  }
  return !isNode(pid, id);
}

function logTail(id: number, lines = 30): string {
  if (!existsSync(nodeLog(id))) return "(no log)";
  return readFileSync(nodeLog(id), "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
