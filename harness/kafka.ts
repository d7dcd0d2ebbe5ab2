// A real single-node Apache Kafka broker (KRaft, broker+controller in one JVM) for
// development and tests. The jars come from Maven Central via harness/pom.xml and are
// cached; everything else (config, data, log, cluster.json) lives in .cache/kafka/.
import { spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { connect, createServer } from "node:net";
import { join, resolve } from "node:path";
import {
  ACL_TOPIC_PREFIX,
  ensureTls,
  grantAcls,
  newUsers,
  scramFormatArgs,
  securityProperties,
  serverKeyStore,
  type Mechanism,
  type SecuredListener,
  type TlsFiles,
  type Users,
} from "./security.ts";

export const KAFKA_VERSION = "4.1.1";
const HOST = "127.0.0.1";

const ROOT = resolve(import.meta.dir, "..");
const POM = join(ROOT, "harness", "pom.xml");
const STATE = join(ROOT, ".cache", "kafka");
export const LIBS = join(STATE, "libs");
// Written only after Maven copied every jar; holds the POM it was made from, so
// editing the POM (e.g. a version bump) re-provisions instead of using stale jars.
const LIBS_MARKER = join(LIBS, ".complete");
const DATA = join(STATE, "data");
const PROPS = join(STATE, "server.properties");
const LOG4J = join(STATE, "log4j2.properties");
export const LOG = join(STATE, "broker.log");
// Written right after spawning java, before it is ready, so `down` can stop a broker
// whose `up` was interrupted; cluster.json appears only once the broker serves requests.
const PID_FILE = join(STATE, "broker.pid");
const CLUSTER = join(STATE, "cluster.json");
const TLS_DIR = join(STATE, "tls");
const KEYSTORE = join(STATE, "server-keystore.pem");

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 20_000;

export type Security = "PLAINTEXT" | "SASL_PLAINTEXT" | "SSL" | "SASL_SSL";

/** A client-facing listener as recorded in cluster.json, with what a client needs to use it. */
export interface Listener {
  address: string;
  security: Security;
  /** SASL mechanisms it accepts. */
  mechanisms?: Mechanism[];
  /** SASL users (name → password) for PLAIN and SCRAM; OAUTHBEARER takes any unsecured token instead. */
  users?: Partial<Users>;
  /** TLS listeners: the CA that signed the server certificate, and the client certificate mTLS requires. */
  tls?: { ca: string; clientCert?: string; clientKey?: string; clientAuth?: "required" };
}

export interface Cluster {
  bootstrap: string;
  listeners: Record<string, Listener>;
  controller: string;
  pid: number;
  kafkaVersion: string;
  dataDir: string;
  /** All TLS files, including a CA that signed nothing (for wrong-CA tests). */
  tls: TlsFiles;
  /** The ACL tests' principals: which topics their ACLs cover. */
  acls: { topicPrefix: string; reader: string; describer: string };
}

export interface UpOptions {
  /** PLAINTEXT port; defaults to $KAFKA_PORT, else a free port. */
  port?: number;
}

/** Thrown for expected failures (missing tools, Maven, broker start); the CLI prints only the message. */
export class HarnessError extends Error {}

/** The parsed cluster.json, or null if there is none (says nothing about liveness). */
export function readCluster(): Cluster | null {
  if (!existsSync(CLUSTER)) return null;
  return JSON.parse(readFileSync(CLUSTER, "utf8")) as Cluster;
}

/** The cluster if its broker process is alive and its bootstrap port accepts TCP. */
export async function running(): Promise<Cluster | null> {
  const cluster = readCluster();
  if (!cluster || !isBroker(cluster.pid)) return null;
  return (await accepts(cluster.bootstrap)) ? cluster : null;
}

/** Starts the broker unless it is already running; resolves once it answers metadata requests. */
export async function up(opts: UpOptions = {}): Promise<Cluster> {
  const existing = await running();
  if (existing) return existing;
  await down(); // a half-started or unresponsive broker must not outlive its data dir

  requireCommand("java", ["-version"]);
  ensureLibs();

  const envPort = process.env.KAFKA_PORT ? Number(process.env.KAFKA_PORT) : undefined;
  if (envPort !== undefined && !Number.isInteger(envPort)) {
    throw new HarnessError(`KAFKA_PORT must be a port number, not ${JSON.stringify(process.env.KAFKA_PORT)}`);
  }
  const port = opts.port ?? envPort ?? (await freePort());
  const controllerPort = await freePort();
  let tls: TlsFiles;
  try {
    tls = ensureTls(TLS_DIR);
  } catch (err) {
    throw new HarnessError((err as Error).message);
  }
  const users = newUsers();
  const scram: Mechanism[] = ["SCRAM-SHA-256", "SCRAM-SHA-512"];
  // The one place listeners are declared: server.properties and cluster.json are both
  // derived from this list. PLAINTEXT comes first: it is `bootstrap` and the inter-broker listener.
  const listeners: (Omit<SecuredListener, "security"> & { security: Security; port: number })[] = [
    { name: "PLAINTEXT", security: "PLAINTEXT", port },
    { name: "SASL_PLAINTEXT", security: "SASL_PLAINTEXT", port: await freePort(), mechanisms: ["PLAIN", ...scram] },
    { name: "SSL", security: "SSL", port: await freePort() },
    { name: "MTLS", security: "SSL", port: await freePort(), clientAuth: "required" },
    { name: "SASL_SSL", security: "SASL_SSL", port: await freePort(), mechanisms: scram },
    { name: "OAUTHBEARER", security: "SASL_PLAINTEXT", port: await freePort(), mechanisms: ["OAUTHBEARER"] },
  ];
  const controller = `${HOST}:${controllerPort}`;

  const all = [...listeners, { name: "CONTROLLER", security: "PLAINTEXT", port: controllerPort }];
  const url = (l: { name: string; port: number }) => `${l.name}://${HOST}:${l.port}`;
  rmSync(DATA, { recursive: true, force: true });
  mkdirSync(DATA, { recursive: true });
  writeFileSync(LOG4J, LOG4J_CONFIG);
  writeFileSync(
    PROPS,
    [
      "process.roles=broker,controller",
      "node.id=1",
      `controller.quorum.voters=1@${controller}`,
      `listeners=${all.map(url).join(",")}`,
      `advertised.listeners=${listeners.map(url).join(",")}`,
      "controller.listener.names=CONTROLLER",
      `inter.broker.listener.name=${listeners[0]!.name}`,
      `listener.security.protocol.map=${all.map((l) => `${l.name}:${l.security}`).join(",")}`,
      `log.dirs=${DATA}`,
      "offsets.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      // Tests write records with fixed timestamps from 2024: with the default 7-day time
      // retention, the broker's 5-minutely check deleted them, sometimes between a test's
      // produce and its read (the suite's rare "nothing to read" failures).
      "log.retention.ms=-1",
      ...securityProperties(
        listeners.filter((l): l is typeof l & SecuredListener => l.security !== "PLAINTEXT"),
        users,
        tls,
        serverKeyStore(tls, KEYSTORE),
      ),
      "",
    ].join("\n"),
  );

  // Formatting is mandatory in KRaft; generating the cluster id here saves a JVM start
  // (`StorageTool random-uuid`). Kafka ids are 16 random bytes in URL-safe base64 and
  // never start with '-' (they would read as a CLI flag).
  let clusterId: string;
  do clusterId = randomBytes(16).toString("base64url");
  while (clusterId.startsWith("-"));
  const format = spawnSync("java", [...toolJvm(), "kafka.tools.StorageTool", "format", "-t", clusterId, "-c", PROPS, ...scramFormatArgs(users)], {
    encoding: "utf8",
  });
  if (format.status !== 0) {
    throw new HarnessError(`kafka storage format failed: ${(format.stderr || format.stdout).trim()}`);
  }

  // Detached = its own process group, so it outlives this process and `down` can
  // signal the whole group.
  const logFd = openSync(LOG, "w");
  const child = spawn(
    "java",
    ["-Xmx512m", `-Dlog4j2.configurationFile=${LOG4J}`, "-cp", join(LIBS, "*"), "kafka.Kafka", PROPS],
    { detached: true, stdio: ["ignore", logFd, logFd] },
  );
  closeSync(logFd);
  child.unref();
  const pid = child.pid!;
  writeFileSync(PID_FILE, `${pid}\n`);
  // Watch the child itself: right after spawn its /proc cmdline may still be bun's.
  let exitedEarly = false;
  child.on("exit", () => (exitedEarly = true));

  const bootstrap = `${HOST}:${port}`;
  try {
    await waitReady(bootstrap, () => exitedEarly);
    await grantAcls(bootstrap);
  } catch (err) {
    await down();
    throw err;
  }

  const cluster: Cluster = {
    bootstrap,
    listeners: Object.fromEntries(
      listeners.map((l) => [l.name, describeListener(l, users, tls)]),
    ),
    controller,
    pid,
    kafkaVersion: KAFKA_VERSION,
    dataDir: DATA,
    tls,
    acls: { topicPrefix: ACL_TOPIC_PREFIX, reader: "reader", describer: "describer" },
  };
  writeFileSync(CLUSTER, JSON.stringify(cluster, null, 2) + "\n");
  return cluster;
}

function describeListener(
  l: { name: string; security: Security; port: number; mechanisms?: Mechanism[]; clientAuth?: "required" },
  users: Users,
  tls: TlsFiles,
): Listener {
  const listener: Listener = { address: `${HOST}:${l.port}`, security: l.security };
  if (l.mechanisms) listener.mechanisms = l.mechanisms;
  if (l.mechanisms?.some((m) => m !== "OAUTHBEARER")) listener.users = users;
  if (l.security === "SSL" || l.security === "SASL_SSL") {
    listener.tls = l.clientAuth
      ? { ca: tls.ca, clientCert: tls.clientCert, clientKey: tls.clientKey, clientAuth: l.clientAuth }
      : { ca: tls.ca };
  }
  return listener;
}

/** Stops the harness broker, if any. Resolves true if there was one to stop. */
export async function down(): Promise<boolean> {
  const pid = existsSync(PID_FILE) ? Number(readFileSync(PID_FILE, "utf8")) : readCluster()?.pid;
  const alive = pid !== undefined && isBroker(pid);
  if (alive) {
    signalGroup(pid, "SIGTERM"); // Kafka shuts down cleanly on SIGTERM
    if (!(await exited(pid, STOP_TIMEOUT_MS))) {
      signalGroup(pid, "SIGKILL");
      await exited(pid, 5_000);
    }
  }
  rmSync(CLUSTER, { force: true });
  rmSync(PID_FILE, { force: true });
  return alive;
}

/**
 * Runs a Kafka CLI tool class (e.g. org.apache.kafka.tools.TopicCommand) on the cached
 * classpath; `input` is written to its stdin. Rejects with the tool's stderr if it fails.
 */
export async function kafkaTool(
  mainClass: string,
  args: string[],
  opts: { input?: string } = {},
): Promise<{ stdout: string; stderr: string }> {
  ensureLibs();
  const child = spawn("java", [...toolJvm(), mainClass, ...args], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  child.stdin.end(opts.input ?? "");
  const code = await new Promise<number | null>((res, rej) => {
    child.on("error", rej);
    child.on("close", res);
  });
  if (code !== 0) throw new HarnessError(`${mainClass} exited with ${code}: ${stderr.trim() || stdout.trim()}`);
  return { stdout, stderr };
}

// Quiet: warnings and errors only, to stderr — which is broker.log for the broker and
// the caller's pipe for tools.
export const LOG4J_CONFIG = `status = warn
appender.stderr.type = Console
appender.stderr.name = stderr
appender.stderr.target = SYSTEM_ERR
appender.stderr.layout.type = PatternLayout
appender.stderr.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = warn
rootLogger.appenderRef.stderr.ref = stderr
`;

// Short-lived tool JVMs: C1 only and serial GC start noticeably faster.
export function toolJvm(): string[] {
  if (!existsSync(LOG4J)) {
    mkdirSync(STATE, { recursive: true });
    writeFileSync(LOG4J, LOG4J_CONFIG);
  }
  return [
    "-Xmx256m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    `-Dlog4j2.configurationFile=${LOG4J}`,
    "-cp",
    join(LIBS, "*"),
  ];
}

/** Copies the jars named by harness/pom.xml into LIBS once; later calls do not touch Maven. */
export function ensureLibs(): void {
  const pom = readFileSync(POM, "utf8");
  if (existsSync(LIBS_MARKER) && readFileSync(LIBS_MARKER, "utf8") === pom) return;
  requireCommand("mvn", ["-v"]);
  rmSync(LIBS, { recursive: true, force: true });
  const mvn = spawnSync(
    "mvn",
    ["-q", "-B", "-Dstyle.color=never", "-f", POM, "dependency:copy-dependencies", `-DoutputDirectory=${LIBS}`],
    { encoding: "utf8" },
  );
  if (mvn.status !== 0) {
    const out = `${mvn.stdout}${mvn.stderr}`.trim().split("\n");
    const firstError = out.find((l) => l.includes("[ERROR]")) ?? out.at(-1) ?? "";
    throw new HarnessError(`Maven could not fetch the Kafka jars: ${firstError.trim()}`);
  }
  writeFileSync(LIBS_MARKER, pom);
}

export function requireCommand(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) throw new HarnessError(`${cmd} is required but could not be run (is it on PATH?)`);
}

/** Polls until the broker lists itself in a metadata response, i.e. it is registered and unfenced. */
async function waitReady(bootstrap: string, hasExited: () => boolean): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new HarnessError(`Kafka exited during startup; ${LOG} ends with:\n${logTail()}`);
    if ((await metadataBrokerCount(bootstrap).catch(() => 0)) > 0) return;
    await Bun.sleep(200);
  }
  throw new HarnessError(`Kafka was not ready within ${START_TIMEOUT_MS / 1000}s; ${LOG} ends with:\n${logTail()}`);
}

/**
 * Sends one Metadata v8 request (the newest non-flexible version, so no tagged fields)
 * for no topics and returns the number of brokers in the response.
 */
export function metadataBrokerCount(address: string): Promise<number> {
  const clientId = Buffer.from("kafka-harness");
  const body = Buffer.alloc(2 + 2 + 4 + 2 + clientId.length + 4 + 3);
  let o = body.writeInt16BE(3, 0); // api key: Metadata
  o = body.writeInt16BE(8, o); // api version
  o = body.writeInt32BE(1, o); // correlation id
  o = body.writeInt16BE(clientId.length, o);
  o += clientId.copy(body, o);
  body.writeInt32BE(0, o); // topics: empty array = none
  // allow_auto_topic_creation, include_cluster/topic_authorized_operations: all false (zero)
  const size = Buffer.alloc(4);
  size.writeInt32BE(body.length);

  const [host, port] = address.split(":") as [string, string];
  return new Promise((res, rej) => {
    const sock = connect({ host, port: Number(port) });
    let buf = Buffer.alloc(0);
    sock.setTimeout(2_000, () => sock.destroy(new Error("timeout")));
    sock.on("connect", () => sock.write(Buffer.concat([size, body])));
    sock.on("data", (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      // response: int32 size, int32 correlation id, int32 throttle ms, int32 broker count, ...
      if (buf.length >= 16) {
        sock.destroy();
        res(buf.readInt32BE(12));
      }
    });
    sock.on("error", rej);
    sock.on("close", () => rej(new Error("connection closed")));
  });
}

/** True when something accepts TCP connections at host:port (within a second). */
export function accepts(address: string): Promise<boolean> {
  const [host, port] = address.split(":") as [string, string];
  return new Promise((res) => {
    const sock = connect({ host, port: Number(port) });
    sock.setTimeout(1_000, () => sock.destroy());
    sock.on("connect", () => {
      sock.destroy();
      res(true);
    });
    sock.on("error", () => res(false));
    sock.on("close", () => res(false));
  });
}

export function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.on("error", rej);
    srv.listen(0, HOST, () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

/**
 * True if pid is our broker. On Linux the command line is checked, so a recycled pid or
 * an exited-but-unreaped (zombie) java is not mistaken for it.
 */
function isBroker(pid: number): boolean {
  if (existsSync("/proc")) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(PROPS);
    } catch {
      return false;
    }
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function exited(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isBroker(pid)) return true;
    await Bun.sleep(100);
  }
  return !isBroker(pid);
}

function logTail(lines = 30): string {
  if (!existsSync(LOG)) return "(no log)";
  return readFileSync(LOG, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
