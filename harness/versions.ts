/**
 * Which Apache Kafka the harness runs: a version (default 4.1.1, or $KAFKA_VERSION) and a mode,
 * KRaft or ZooKeeper ($KAFKA_MODE, default: ZooKeeper before 3.5, KRaft from 3.5 on). KRaft is
 * absent in 2.7, not production-ready before 3.3, and without SCRAM before 3.5 (KIP-900), which
 * the harness's listeners need. Each version has its own jars from Maven Central and
 * each (version, mode) its own state folder, so brokers of several versions can run side by side.
 *
 *   const spec = brokerSpec("2.8.2");              // { version: "2.8.2", mode: "zookeeper" }
 *   paths(spec).state                               // .cache/kafka-2.8.2
 */
import { join, resolve } from "node:path";

export const DEFAULT_KAFKA_VERSION = "4.1.1";

export type Mode = "kraft" | "zookeeper";
export type BrokerSpec = { version: string; mode: Mode };

/** Thrown for expected failures (missing tools, Maven, broker start); the CLI prints only the message. */
export class HarnessError extends Error {}

const ROOT = resolve(import.meta.dir, "..");

/** [major, minor, patch] of "2.8.2". */
export function versionParts(version: string): [number, number, number] {
  const match = /^(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match) throw new HarnessError(`KAFKA_VERSION must be a release such as 2.8.2, not ${JSON.stringify(version)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

/** True when `version` is at least `major.minor`. */
export function atLeast(version: string, major: number, minor: number): boolean {
  const [a, b] = versionParts(version);
  return a > major || (a === major && b >= minor);
}

/**
 * The broker to run: `version` and `mode` if given, else $KAFKA_VERSION and $KAFKA_MODE, else
 * the default. Refuses what cannot run: before 2.7, ZooKeeper from 4.0 (removed), KRaft before
 * 3.5 (no SCRAM there).
 */
export function brokerSpec(version?: string, mode?: string): BrokerSpec {
  const v = version ?? (process.env.KAFKA_VERSION || DEFAULT_KAFKA_VERSION);
  if (!atLeast(v, 2, 7)) throw new HarnessError(`Kafka ${v} is older than the harness runs (2.7 and later)`);
  const m = mode ?? (process.env.KAFKA_MODE || defaultMode(v));
  if (m !== "kraft" && m !== "zookeeper")
    throw new HarnessError(`KAFKA_MODE must be kraft or zookeeper, not ${JSON.stringify(m)}`);
  if (m === "zookeeper" && atLeast(v, 4, 0))
    throw new HarnessError(`Kafka ${v} has no ZooKeeper mode (removed in 4.0)`);
  if (m === "kraft" && !atLeast(v, 3, 5))
    throw new HarnessError(`the harness runs Kafka ${v} with ZooKeeper only (KRaft before 3.5 has no SCRAM)`);
  return { version: v, mode: m };
}

const defaultMode = (version: string): Mode => (atLeast(version, 3, 5) ? "kraft" : "zookeeper");

/** "2.8.2 (ZooKeeper)", for messages. */
export function describeSpec(spec: BrokerSpec): string {
  return `${spec.version} (${spec.mode === "kraft" ? "KRaft" : "ZooKeeper"})`;
}

const isDefault = (spec: BrokerSpec) => spec.version === DEFAULT_KAFKA_VERSION && spec.mode === "kraft";

/**
 * Where a broker lives. The default broker keeps the folders it always had (.cache/kafka and
 * its libs); another version gets .cache/kafka-<version>[-<mode>] and .cache/kafka-libs/<version>.
 */
export function paths(spec: BrokerSpec) {
  const state = isDefault(spec)
    ? join(ROOT, ".cache", "kafka")
    : join(ROOT, ".cache", `kafka-${spec.version}${spec.mode === defaultMode(spec.version) ? "" : `-${spec.mode}`}`);
  const libs = isDefault(spec) ? join(state, "libs") : join(ROOT, ".cache", "kafka-libs", spec.version);
  return {
    state,
    libs,
    /** The POM that names the version's jars: Kafka 4 has its tools apart and logs with log4j2. */
    pom: join(ROOT, "harness", atLeast(spec.version, 4, 0) ? "pom.xml" : "pom-before-4.xml"),
  };
}

/**
 * The class of a Kafka command-line tool in this version: several moved from the Scala core
 * (`kafka.tools.*`, `kafka.admin.*`) to `org.apache.kafka.tools.*` by 4.0.
 */
export function toolClass(spec: BrokerSpec, name: "ConsoleProducer" | "ProducerPerformance" | "StorageTool"): string {
  if (name === "ConsoleProducer")
    return atLeast(spec.version, 4, 0) ? "org.apache.kafka.tools.ConsoleProducer" : "kafka.tools.ConsoleProducer";
  if (name === "StorageTool") return "kafka.tools.StorageTool";
  return "org.apache.kafka.tools.ProducerPerformance";
}
