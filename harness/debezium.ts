/**
 * Real change data capture for tests and examples: Kafka Connect standalone (Kafka 4.1.1's
 * connect-runtime, the harness broker's version) running Debezium's PostgreSQL connector
 * (pgoutput) against a PostgreSQL started with wal_level=logical, writing to the harness broker.
 * The jars come from Maven Central via harness/debezium/pom.xml and are cached in
 * .cache/debezium/libs/, like the broker's; each Connect gets its own folder for config, offsets
 * and log.
 *
 * @example
 *   const pg = await startPostgres({ wal_level: "logical" });
 *   const connect = await startConnect(broker, [{ name: "orders", postgres: pg.url, topicPrefix: "cdc1", tables: ["public.orders"] }]);
 *   …
 *   await connect.stop(); pg.stop();
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { freePort, HarnessError, LOG4J_CONFIG, requireCommand } from "./kafka.ts";

const ROOT = resolve(import.meta.dir, "..");
const POM = join(ROOT, "harness", "debezium", "pom.xml");
const LIBS = join(ROOT, ".cache", "debezium", "libs");
const MARKER = join(LIBS, ".complete");
const START_TIMEOUT_MS = 90_000;

/** One Debezium PostgreSQL connector: its tables' changes go to `<topicPrefix>.<schema>.<table>`. */
export type ConnectorSpec = {
  name: string;
  /** postgres://user@host:port/db, as examples/read-model/postgres.ts gives it. */
  postgres: string;
  topicPrefix: string;
  /** schema.table names to capture (Debezium's table.include.list). */
  tables: string[];
  /** The JSON converter's schemas.enable for keys and values: `{"schema", "payload"}` or the bare payload. */
  schemas: boolean;
};

export type Connect = { log: string; stop: () => Promise<void> };

/** Copies the jars from Maven once; the marker holds the POM they came from, so editing it re-provisions. */
export function ensureDebeziumLibs(): void {
  const pom = readFileSync(POM, "utf8");
  if (existsSync(MARKER) && readFileSync(MARKER, "utf8") === pom) return;
  requireCommand("mvn", ["-v"]);
  rmSync(LIBS, { recursive: true, force: true });
  const mvn = spawnSync(
    "mvn",
    ["-q", "-B", "-Dstyle.color=never", "-f", POM, "dependency:copy-dependencies", `-DoutputDirectory=${LIBS}`],
    { encoding: "utf8" },
  );
  if (mvn.status !== 0) {
    const out = `${mvn.stdout}${mvn.stderr}`.trim().split("\n");
    throw new HarnessError(
      `Maven could not fetch Debezium's jars: ${(out.find((l) => l.includes("[ERROR]")) ?? out.at(-1) ?? "").trim()}`,
    );
  }
  writeFileSync(MARKER, pom);
}

function connectorProperties(spec: ConnectorSpec): string {
  const url = new URL(spec.postgres);
  const schemas = String(spec.schemas);
  return [
    `name=${spec.name}`,
    "connector.class=io.debezium.connector.postgresql.PostgresConnector",
    "tasks.max=1",
    "plugin.name=pgoutput",
    `database.hostname=${url.hostname}`,
    `database.port=${url.port}`,
    `database.user=${decodeURIComponent(url.username)}`,
    "database.password=unused",
    `database.dbname=${url.pathname.slice(1)}`,
    `topic.prefix=${spec.topicPrefix}`,
    `table.include.list=${spec.tables.join(",")}`,
    // One slot and publication per connector: several may read one database.
    `slot.name=dbz_${spec.name.replace(/\W/g, "_").toLowerCase()}`,
    `publication.name=dbz_${spec.name.replace(/\W/g, "_").toLowerCase()}`,
    "publication.autocreate.mode=filtered",
    "key.converter=org.apache.kafka.connect.json.JsonConverter",
    `key.converter.schemas.enable=${schemas}`,
    "value.converter=org.apache.kafka.connect.json.JsonConverter",
    `value.converter.schemas.enable=${schemas}`,
    "",
  ].join("\n");
}

/** Starts Connect with the given connectors; resolves once every connector's task is RUNNING. */
export async function startConnect(bootstrap: string, connectors: ConnectorSpec[]): Promise<Connect> {
  requireCommand("java", ["-version"]);
  ensureDebeziumLibs();
  const dir = mkdtempSync(join(tmpdir(), "source-kafka-connect-"));
  const port = await freePort();
  const log = join(dir, "connect.log");
  writeFileSync(join(dir, "log4j2.properties"), LOG4J_CONFIG);
  writeFileSync(
    join(dir, "worker.properties"),
    [
      `bootstrap.servers=${bootstrap}`,
      "key.converter=org.apache.kafka.connect.json.JsonConverter",
      "value.converter=org.apache.kafka.connect.json.JsonConverter",
      `offset.storage.file.filename=${join(dir, "offsets")}`,
      "offset.flush.interval.ms=500",
      `listeners=http://127.0.0.1:${port}`,
      // Everything is on the classpath; scanning for plugins there is all that is needed.
      "plugin.discovery=only_scan",
      "",
    ].join("\n"),
  );
  const files = connectors.map((c, i) => {
    const file = join(dir, `connector-${i}.properties`);
    writeFileSync(file, connectorProperties(c));
    return file;
  });
  mkdirSync(dir, { recursive: true });
  const out = openSync(log, "a");
  const child = spawn(
    "java",
    [
      "-Xmx384m",
      "-XX:+UseSerialGC",
      `-Dlog4j2.configurationFile=${join(dir, "log4j2.properties")}`,
      "-cp",
      `${LIBS}/*`,
      "org.apache.kafka.connect.cli.ConnectStandalone",
      join(dir, "worker.properties"),
      ...files,
    ],
    { stdio: ["ignore", out, out], detached: false },
  );
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const stop = async () => {
    if (!exited) {
      const gone = new Promise((done) => child.once("exit", done));
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await gone;
      clearTimeout(timer);
    }
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + START_TIMEOUT_MS;
  const pending = new Set(connectors.map((c) => c.name));
  while (pending.size > 0) {
    if (exited || Date.now() > deadline) {
      const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-3000) : "";
      await stop();
      throw new HarnessError(
        `Kafka Connect ${exited ? "exited" : "did not start its connectors"}; its log ends with:\n${tail}`,
      );
    }
    for (const name of pending) {
      const status = await fetch(`http://127.0.0.1:${port}/connectors/${name}/status`)
        .then((r) => (r.ok ? (r.json() as Promise<{ tasks: { state: string; trace?: string }[] }>) : null))
        .catch(() => null);
      const task = status?.tasks[0];
      if (task?.state === "FAILED") {
        await stop();
        throw new HarnessError(`Debezium connector ${name} failed: ${task.trace?.split("\n")[0]}`);
      }
      if (task?.state === "RUNNING") pending.delete(name);
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return { log, stop };
}
