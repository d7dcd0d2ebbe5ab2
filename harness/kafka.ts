// A real single-node Apache Kafka broker for development and tests: by default Kafka 4.1.1 in
// KRaft mode (broker and controller in one JVM); with KAFKA_VERSION (and KAFKA_MODE) another
// release from 2.7 on, before 3.5 with a ZooKeeper of its own (harness/versions.ts). The jars
// come from Maven Central via harness/pom.xml (or pom-before-4.xml) and are cached per version;
// everything else (config, data, log, cluster.json) lives in the broker's state folder.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { join } from "node:path";
import {
  ensureOAuthLibs,
  jwksProperties,
  OAUTH_ISSUER_ID,
  OAUTH_MAIN_CLASS,
  OAUTH_SCOPE,
  OAUTH_TOKEN_SECONDS,
  oauthFiles,
  oauthServerConfig,
} from "./oauth.ts";
import {
  ACL_TOPIC_PREFIX,
  createScramUsers,
  encryptedServerKeyStore,
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
import {
  DEFAULT_KAFKA_VERSION,
  HarnessError,
  atLeast,
  brokerSpec,
  describeSpec,
  paths,
  toolClass,
  type BrokerSpec,
  type Mode,
} from "./versions.ts";

export { HarnessError, brokerSpec, toolClass, type BrokerSpec } from "./versions.ts";

/** The version of the default broker (the one `npm test` runs without KAFKA_VERSION). */
export const KAFKA_VERSION = DEFAULT_KAFKA_VERSION;
const HOST = "127.0.0.1";

/** The files of one broker (by version and mode). */
function files(spec: BrokerSpec) {
  const { state, libs, pom } = paths(spec);
  return {
    state,
    libs,
    pom,
    // Written only after Maven copied every jar; holds the POM and version it was made from, so
    // editing the POM (e.g. a version bump) re-provisions instead of using stale jars.
    libsMarker: join(libs, ".complete"),
    data: join(state, "data"),
    props: join(state, "server.properties"),
    log4j: join(state, "log4j2.properties"),
    log: join(state, "broker.log"),
    // Written right after spawning java, before it is ready, so `down` can stop a broker
    // whose `up` was interrupted; cluster.json appears only once the broker serves requests.
    pidFile: join(state, "broker.pid"),
    cluster: join(state, "cluster.json"),
    tlsDir: join(state, "tls"),
    keystore: join(state, "server-keystore.pem"),
    zookeeperProps: join(state, "zookeeper.properties"),
    zookeeperData: join(state, "zookeeper-data"),
    zookeeperPid: join(state, "zookeeper.pid"),
    zookeeperLog: join(state, "zookeeper.log"),
  };
}

const DEFAULT_FILES = files(brokerSpec(DEFAULT_KAFKA_VERSION, "kraft"));
/** The default broker's jars (the three-node cluster and the benchmark broker use them too). */
export const LIBS = DEFAULT_FILES.libs;
/** The log of the broker `spec` names (KAFKA_VERSION's, or the default one). */
export const brokerLog = (spec: BrokerSpec = brokerSpec()) => files(spec).log;

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
  /** The KRaft controller's address, or the ZooKeeper's in ZooKeeper mode. */
  controller: string;
  pid: number;
  kafkaVersion: string;
  mode: Mode;
  dataDir: string;
  /** All TLS files, including a CA that signed nothing (for wrong-CA tests). */
  tls: TlsFiles;
  /** The ACL tests' principals: which topics their ACLs cover. */
  acls: { topicPrefix: string; reader: string; describer: string };
  /**
   * The OIDC listener's authorisation server (harness/oauth.ts), on brokers with Kafka's JWKS
   * validator (3.4 and later): where to get a token, for which scope, and how long it lives.
   */
  oauth?: { tokenEndpoint: string; scope: string; tokenSeconds: number };
}

export interface UpOptions {
  /** PLAINTEXT port; defaults to $KAFKA_PORT, else a free port. */
  port?: number;
}

/** The parsed cluster.json, or null if there is none (says nothing about liveness). */
export function readCluster(spec: BrokerSpec = brokerSpec()): Cluster | null {
  const { cluster } = files(spec);
  if (!existsSync(cluster)) return null;
  return JSON.parse(readFileSync(cluster, "utf8")) as Cluster;
}

/** The cluster if its broker process is alive and its bootstrap port accepts TCP. */
export async function running(spec: BrokerSpec = brokerSpec()): Promise<Cluster | null> {
  const cluster = readCluster(spec);
  if (!cluster || !isProcess(cluster.pid, files(spec).props)) return null;
  return (await accepts(cluster.bootstrap)) ? cluster : null;
}

/**
 * Starts the broker `spec` names (by default $KAFKA_VERSION's, else 4.1.1) unless it is already
 * running; resolves once it answers metadata requests.
 */
export async function up(opts: UpOptions = {}, spec: BrokerSpec = brokerSpec()): Promise<Cluster> {
  const existing = await running(spec);
  if (existing) return existing;
  await down(spec); // a half-started or unresponsive broker must not outlive its data dir
  const f = files(spec);

  requireCommand("java", ["-version"]);
  ensureLibs(spec);

  const envPort = process.env.KAFKA_PORT ? Number(process.env.KAFKA_PORT) : undefined;
  if (envPort !== undefined && !Number.isInteger(envPort)) {
    throw new HarnessError(`KAFKA_PORT must be a port number, not ${JSON.stringify(process.env.KAFKA_PORT)}`);
  }
  const port = opts.port ?? envPort ?? (await freePort());
  const controllerPort = await freePort();
  let tls: TlsFiles;
  try {
    tls = ensureTls(f.tlsDir);
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
  // OAUTHBEARER with tokens signed by a real authorisation server and checked against its JWKS.
  const oidc = atLeast(spec.version, 3, 4)
    ? { name: "OIDC", security: "SASL_PLAINTEXT" as const, port: await freePort(), url: "" }
    : undefined;
  if (oidc) {
    oidc.url = await startOAuthServer(f.state);
    listeners.push({ name: oidc.name, security: oidc.security, port: oidc.port, mechanisms: ["OAUTHBEARER"] });
  }
  const controller = `${HOST}:${controllerPort}`;
  const kraft = spec.mode === "kraft";
  const keyPassword = atLeast(spec.version, 4, 0) ? undefined : randomBytes(12).toString("hex");
  const keyStore = keyPassword
    ? { path: encryptedServerKeyStore(tls, f.keystore, keyPassword), password: keyPassword }
    : { path: serverKeyStore(tls, f.keystore) };

  const all = kraft ? [...listeners, { name: "CONTROLLER", security: "PLAINTEXT", port: controllerPort }] : listeners;
  const url = (l: { name: string; port: number }) => `${l.name}://${HOST}:${l.port}`;
  rmSync(f.data, { recursive: true, force: true });
  mkdirSync(f.data, { recursive: true });
  writeFileSync(f.log4j, LOG4J_CONFIG);
  writeFileSync(
    f.props,
    [
      ...(kraft
        ? [
            "process.roles=broker,controller",
            "node.id=1",
            `controller.quorum.voters=1@${controller}`,
            "controller.listener.names=CONTROLLER",
          ]
        : ["broker.id=1", `zookeeper.connect=${controller}`, "zookeeper.connection.timeout.ms=30000"]),
      `listeners=${all.map(url).join(",")}`,
      `advertised.listeners=${listeners.map(url).join(",")}`,
      `inter.broker.listener.name=${listeners[0]!.name}`,
      `listener.security.protocol.map=${all.map((l) => `${l.name}:${l.security}`).join(",")}`,
      `log.dirs=${f.data}`,
      "offsets.topic.replication.factor=1",
      "transaction.state.log.replication.factor=1",
      "transaction.state.log.min.isr=1",
      "group.initial.rebalance.delay.ms=0",
      // Tests write records with fixed timestamps from 2024: with the default 7-day time
      // retention, the broker's 5-minutely check deleted them, sometimes between a test's
      // produce and its read (the suite's rare "nothing to read" failures).
      "log.retention.ms=-1",
      ...securityProperties(
        listeners.filter((l): l is typeof l & SecuredListener => l.security !== "PLAINTEXT" && l.name !== oidc?.name),
        users,
        tls,
        keyStore,
        spec.mode,
      ),
      ...(oidc ? jwksProperties(oidc.name, oidc.url, atLeast(spec.version, 4, 1)) : []),
      "",
    ].join("\n"),
  );

  if (kraft) {
    // Formatting is mandatory in KRaft; generating the cluster id here saves a JVM start
    // (`StorageTool random-uuid`). Kafka ids are 16 random bytes in URL-safe base64 and
    // never start with '-' (they would read as a CLI flag).
    let clusterId: string;
    do clusterId = randomBytes(16).toString("base64url");
    while (clusterId.startsWith("-"));
    const format = spawnSync(
      "java",
      [
        ...toolJvm(spec),
        toolClass(spec, "StorageTool"),
        "format",
        "-t",
        clusterId,
        "-c",
        f.props,
        ...scramFormatArgs(users),
      ],
      {
        encoding: "utf8",
      },
    );
    if (format.status !== 0) {
      throw new HarnessError(`kafka storage format failed: ${(format.stderr || format.stdout).trim()}`);
    }
  } else {
    await startZooKeeper(spec, controllerPort);
  }

  // Detached = its own process group, so it outlives this process and `down` can
  // signal the whole group.
  const child = spawnJava(
    [
      "-Xmx512m",
      `-Dlog4j2.configurationFile=${f.log4j}`,
      // Kafka 4 fetches from no URL it is not told to trust.
      ...(oidc ? [`-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${oidc.url}/jwks`] : []),
      "-cp",
      join(f.libs, "*"),
      "kafka.Kafka",
      f.props,
    ],
    f.log,
    f.pidFile,
  );
  // Watch the child itself: right after spawn its /proc cmdline may still be bun's.
  let exitedEarly = false;
  child.on("exit", () => (exitedEarly = true));

  const bootstrap = `${HOST}:${port}`;
  try {
    await waitReady(bootstrap, () => exitedEarly, f.log);
    // Without KRaft's `format --add-scram`, SCRAM users are created through the running broker.
    if (!kraft) await createScramUsers(bootstrap, users);
    await grantAcls(bootstrap);
  } catch (err) {
    await down(spec);
    throw err;
  }

  const cluster: Cluster = {
    bootstrap,
    listeners: Object.fromEntries(listeners.map((l) => [l.name, describeListener(l, users, tls)])),
    controller,
    pid: child.pid!,
    kafkaVersion: spec.version,
    mode: spec.mode,
    dataDir: f.data,
    tls,
    acls: { topicPrefix: ACL_TOPIC_PREFIX, reader: "reader", describer: "describer" },
    ...(oidc
      ? { oauth: { tokenEndpoint: `${oidc.url}/token`, scope: OAUTH_SCOPE, tokenSeconds: OAUTH_TOKEN_SECONDS } }
      : {}),
  };
  writeFileSync(f.cluster, `${JSON.stringify(cluster, null, 2)}\n`);
  return cluster;
}

/** Starts the OIDC listener's authorisation server; resolves to its issuer URL once it answers. */
async function startOAuthServer(state: string): Promise<string> {
  ensureOAuthLibs();
  const o = oauthFiles(state);
  const port = await freePort();
  const child = spawnJava(
    ["-Xmx128m", "-XX:TieredStopAtLevel=1", "-cp", join(o.libs, "*"), OAUTH_MAIN_CLASS],
    o.log,
    o.pidFile,
    {
      SERVER_PORT: String(port),
      SERVER_HOSTNAME: HOST,
      JSON_CONFIG: oauthServerConfig(),
      LOG_LEVEL: "WARN",
    },
  );
  let exitedEarly = false;
  child.on("exit", () => (exitedEarly = true));
  const url = `http://${HOST}:${port}/${OAUTH_ISSUER_ID}`;
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if ((await fetch(`${url}/jwks`).catch(() => null))?.ok) return url;
    if (exitedEarly || Date.now() > deadline) {
      await stopProcess(o.pidFile, OAUTH_MAIN_CLASS);
      throw new HarnessError(`the OAuth server did not start; ${o.log} ends with:\n${logTail(o.log)}`);
    }
    await Bun.sleep(200);
  }
}

/** Starts `java args` detached (its own process group), logging to `log`, its pid in `pidFile`. */
function spawnJava(args: string[], log: string, pidFile: string, env: Record<string, string> = {}): ChildProcess {
  const logFd = openSync(log, "w");
  const child = spawn("java", args, {
    detached: true,
    stdio: ["ignore", logFd, logFd],
    env: { ...process.env, ...env },
  });
  closeSync(logFd);
  child.unref();
  writeFileSync(pidFile, `${child.pid}\n`);
  return child;
}

/** The ZooKeeper of a ZooKeeper-mode broker, from the ZooKeeper jar Kafka's core depends on; fresh data each start. */
async function startZooKeeper(spec: BrokerSpec, port: number): Promise<void> {
  const f = files(spec);
  rmSync(f.zookeeperData, { recursive: true, force: true });
  mkdirSync(f.zookeeperData, { recursive: true });
  writeFileSync(
    f.zookeeperProps,
    // No admin server: it would take port 8080, which a neighbour's process may hold.
    [
      `dataDir=${f.zookeeperData}`,
      `clientPort=${port}`,
      `clientPortAddress=${HOST}`,
      "maxClientCnxns=0",
      "admin.enableServer=false",
      "",
    ].join("\n"),
  );
  const child = spawnJava(
    [
      "-Xmx128m",
      "-XX:+UseSerialGC",
      "-XX:TieredStopAtLevel=1",
      `-Dlog4j2.configurationFile=${f.log4j}`,
      "-cp",
      join(f.libs, "*"),
      "org.apache.zookeeper.server.ZooKeeperServerMain",
      f.zookeeperProps,
    ],
    f.zookeeperLog,
    f.zookeeperPid,
  );
  let exitedEarly = false;
  child.on("exit", () => (exitedEarly = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (!(await accepts(`${HOST}:${port}`))) {
    if (exitedEarly || Date.now() > deadline) {
      await stopProcess(f.zookeeperPid, f.zookeeperProps);
      throw new HarnessError(`ZooKeeper did not start; ${f.zookeeperLog} ends with:\n${logTail(f.zookeeperLog)}`);
    }
    await Bun.sleep(100);
  }
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

/** Stops the broker `spec` names (and its ZooKeeper), if any. Resolves true if there was one to stop. */
export async function down(spec: BrokerSpec = brokerSpec()): Promise<boolean> {
  const f = files(spec);
  // Kafka shuts down cleanly on SIGTERM; the broker first, while its ZooKeeper still answers.
  const alive = await stopProcess(f.pidFile, f.props, readCluster(spec)?.pid);
  await stopProcess(f.zookeeperPid, f.zookeeperProps);
  await stopProcess(oauthFiles(f.state).pidFile, OAUTH_MAIN_CLASS);
  rmSync(f.cluster, { force: true });
  return alive;
}

/** SIGTERM, then SIGKILL after a while, to the process group of the pid in `pidFile` if it runs `marker`. */
async function stopProcess(pidFile: string, marker: string, fallbackPid?: number): Promise<boolean> {
  const pid = existsSync(pidFile) ? Number(readFileSync(pidFile, "utf8")) : fallbackPid;
  const alive = pid !== undefined && isProcess(pid, marker);
  if (alive) {
    signalGroup(pid, "SIGTERM");
    if (!(await exited(pid, marker, STOP_TIMEOUT_MS))) {
      signalGroup(pid, "SIGKILL");
      await exited(pid, marker, 5_000);
    }
  }
  rmSync(pidFile, { force: true });
  return alive;
}

/**
 * Runs a Kafka CLI tool class (e.g. org.apache.kafka.tools.TopicCommand; see `toolClass` for
 * names that differ between versions) on the cached classpath of `spec`'s version; `input` is
 * written to its stdin. Rejects with the tool's stderr if it fails.
 */
export async function kafkaTool(
  mainClass: string,
  args: string[],
  opts: { input?: string; spec?: BrokerSpec } = {},
): Promise<{ stdout: string; stderr: string }> {
  const spec = opts.spec ?? brokerSpec();
  ensureLibs(spec);
  const child = spawn("java", [...toolJvm(spec), mainClass, ...args], { stdio: ["pipe", "pipe", "pipe"] });
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
export function toolJvm(spec: BrokerSpec = brokerSpec()): string[] {
  const f = files(spec);
  if (!existsSync(f.log4j)) {
    mkdirSync(f.state, { recursive: true });
    writeFileSync(f.log4j, LOG4J_CONFIG);
  }
  return [
    "-Xmx256m",
    "-XX:TieredStopAtLevel=1",
    "-XX:+UseSerialGC",
    `-Dlog4j2.configurationFile=${f.log4j}`,
    "-cp",
    join(f.libs, "*"),
  ];
}

/** Copies the jars of `spec`'s version (named by its POM) into its libs folder once; later calls do not touch Maven. */
export function ensureLibs(spec: BrokerSpec = brokerSpec()): void {
  const f = files(spec);
  const marker = `${readFileSync(f.pom, "utf8")}\n<!-- kafka.version=${spec.version} -->\n`;
  // The default broker's marker predates versions: its POM alone still counts.
  const current = existsSync(f.libsMarker) ? readFileSync(f.libsMarker, "utf8") : undefined;
  if (current === marker || (spec.version === DEFAULT_KAFKA_VERSION && current === readFileSync(f.pom, "utf8"))) return;
  requireCommand("mvn", ["-v"]);
  rmSync(f.libs, { recursive: true, force: true });
  const mvn = spawnSync(
    "mvn",
    [
      "-q",
      "-B",
      "-Dstyle.color=never",
      "-f",
      f.pom,
      `-Dkafka.version=${spec.version}`,
      "dependency:copy-dependencies",
      `-DoutputDirectory=${f.libs}`,
    ],
    { encoding: "utf8" },
  );
  if (mvn.status !== 0) {
    const out = `${mvn.stdout}${mvn.stderr}`.trim().split("\n");
    const firstError = out.find((l) => l.includes("[ERROR]")) ?? out.at(-1) ?? "";
    throw new HarnessError(`Maven could not fetch the jars of Kafka ${describeSpec(spec)}: ${firstError.trim()}`);
  }
  writeFileSync(f.libsMarker, marker);
}

export function requireCommand(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { stdio: "ignore" });
  if (r.error || r.status !== 0) throw new HarnessError(`${cmd} is required but could not be run (is it on PATH?)`);
}

/** Polls until the broker lists itself in a metadata response, i.e. it is registered and unfenced. */
async function waitReady(bootstrap: string, hasExited: () => boolean, log: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (hasExited()) throw new HarnessError(`Kafka exited during startup; ${log} ends with:\n${logTail(log)}`);
    if ((await metadataBrokerCount(bootstrap).catch(() => 0)) > 0) return;
    await Bun.sleep(200);
  }
  throw new HarnessError(`Kafka was not ready within ${START_TIMEOUT_MS / 1000}s; ${log} ends with:\n${logTail(log)}`);
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
 * True if pid is our process: a JVM whose command line names `marker` (its properties file). On
 * Linux the command line is checked, so a recycled pid or an exited-but-unreaped (zombie) java
 * is not mistaken for it.
 */
function isProcess(pid: number, marker: string): boolean {
  if (existsSync("/proc")) {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker);
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

async function exited(pid: number, marker: string, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isProcess(pid, marker)) return true;
    await Bun.sleep(100);
  }
  return !isProcess(pid, marker);
}

function logTail(log: string, lines = 30): string {
  if (!existsSync(log)) return "(no log)";
  return readFileSync(log, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
}
