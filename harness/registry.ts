/**
 * A real schema registry on 127.0.0.1, for tests: Apicurio Registry 2.4.2 (harness/apicurio/,
 * built from Maven Central on first use) serving its Confluent-compatible API, with in-memory
 * storage. With `auth`, a real nginx (Debian's package, installed when missing) stands in front
 * of it and asks for HTTP basic auth, as a registry exposed behind a proxy does: Apicurio's own
 * authentication needs a Keycloak server.
 *
 *   const registry = await startRegistry({ username: "u", password: "p" });
 *   registry.url  // http://127.0.0.1:PORT/apis/ccompat/v7
 *   await registry.stop();
 *
 * What differs from Confluent's registry, as far as tests see it: schema ids are Apicurio's
 * content ids (the same text has the same id in every subject, as in Confluent), and a Protobuf
 * schema is served exactly as registered — a base64 FileDescriptorProto when Confluent's Python
 * serialiser registered it, .proto text when text was registered — whatever `format` asks for.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { spawnLogged, startBasicAuthProxy, stopProcess, waitFor } from "./basic-auth-proxy.ts";
import { HarnessError, freePort, requireCommand } from "./kafka.ts";

export type Registry = {
  url: string;
  /** With `auth`: the same registry at a path where the proxy answers 403 to the right credentials. */
  forbiddenUrl?: string;
  /** With `auth`: the requests the proxy has passed on so far, as "METHOD PATH STATUS" (no query). */
  requests(): string[];
  stop(): Promise<void>;
};

const root = join(import.meta.dir, "..");
const project = join(import.meta.dir, "apicurio");
const runner = join(project, "app", "target", "apicurio-registry-runner.jar");
const state = join(root, ".cache", "apicurio");
/** What the last build was made from: the build's own files, so that changing them rebuilds. */
const builtFrom = join(state, "built-from");

/** Starts a registry of its own (empty), behind basic auth when `auth` is given. */
export async function startRegistry(auth?: { username: string; password: string }): Promise<Registry> {
  ensureBuilt();
  const port = await freePort();
  const log = join(state, `registry-${port}.log`);
  const registry = spawnLogged(
    "java",
    ["-Xmx512m", "-Dquarkus.http.host=127.0.0.1", `-Dquarkus.http.port=${port}`, "-jar", runner],
    log,
  );
  try {
    await waitFor(`http://127.0.0.1:${port}/health/ready`, registry, log);
  } catch (error) {
    await stopProcess(registry);
    throw error;
  }
  if (!auth)
    return { url: `http://127.0.0.1:${port}/apis/ccompat/v7`, requests: () => [], stop: () => stopProcess(registry) };

  const proxy = await startBasicAuthProxy(port, auth, state);
  return {
    url: `${proxy.url}/apis/ccompat/v7`,
    forbiddenUrl: `${proxy.url}/forbidden/apis/ccompat/v7`,
    requests: () => readFileSync(proxy.accessLog, "utf8").split("\n").filter(Boolean),
    stop: async () => {
      await stopProcess(proxy.process);
      await stopProcess(registry);
    },
  };
}

/** Builds harness/apicurio once (about 30 s with Maven's cache warm); later calls do not touch Maven. */
export function ensureBuilt(): void {
  const sources = [
    "pom.xml",
    "app/pom.xml",
    "config-index-deployment/pom.xml",
    "config-index-deployment/src/main/java/local/harness/configindex/ConfigIndexProcessor.java",
  ]
    .map((file) => readFileSync(join(project, file), "utf8"))
    .join("\n");
  if (existsSync(runner) && existsSync(builtFrom) && readFileSync(builtFrom, "utf8") === sources) return;
  requireCommand("mvn", ["-v"]);
  mkdirSync(state, { recursive: true });
  const mvn = spawnSync("mvn", ["-q", "-B", "-Dstyle.color=never", "package", "-DskipTests"], {
    cwd: project,
    encoding: "utf8",
    timeout: 900_000,
  });
  if (mvn.status !== 0) {
    const out = `${mvn.stdout}${mvn.stderr}`.trim().split("\n");
    throw new HarnessError(
      `Maven could not build Apicurio Registry (harness/apicurio): ${(out.find((l) => l.includes("[ERROR]")) ?? out.at(-1) ?? "").trim()}`,
    );
  }
  writeFileSync(builtFrom, sources);
}
