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
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { freePort, HarnessError, requireCommand } from "./kafka.ts";

export type Registry = {
  url: string;
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
const startTimeoutMs = 120_000;

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

  const proxy = await startBasicAuthProxy(port, auth);
  return {
    url: `${proxy.url}/apis/ccompat/v7`,
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

/** nginx in the foreground, one process, asking for `auth` and passing requests to the registry. */
async function startBasicAuthProxy(
  registryPort: number,
  auth: { username: string; password: string },
): Promise<{ url: string; process: ChildProcess; accessLog: string }> {
  ensureNginx();
  const port = await freePort();
  const dir = join(state, `nginx-${port}`);
  mkdirSync(dir, { recursive: true });
  const hash = spawnSync("openssl", ["passwd", "-apr1", auth.password], { encoding: "utf8" });
  if (hash.status !== 0) throw new HarnessError(`openssl passwd failed: ${hash.stderr.trim()}`);
  writeFileSync(join(dir, "htpasswd"), `${auth.username}:${hash.stdout.trim()}\n`);
  const temp = ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]
    .map((kind) => `${kind}_temp_path ${join(dir, kind)};`)
    .join("\n    ");
  writeFileSync(
    join(dir, "nginx.conf"),
    `daemon off;
master_process off;
pid ${join(dir, "nginx.pid")};
error_log ${join(dir, "error.log")} warn;
events {}
http {
    log_format request '$request_method $uri $status';
    access_log ${join(dir, "access.log")} request;
    ${temp}
    server {
        listen 127.0.0.1:${port};
        location / {
            auth_basic "schema registry";
            auth_basic_user_file ${join(dir, "htpasswd")};
            proxy_pass http://127.0.0.1:${registryPort};
        }
    }
}
`,
  );
  const log = join(dir, "stderr.log");
  const nginx = spawnLogged("nginx", ["-p", dir, "-c", join(dir, "nginx.conf")], log);
  try {
    // Ready once it answers at all: without credentials, that answer is 401.
    await waitFor(`http://127.0.0.1:${port}/`, nginx, log, (status) => status === 401);
  } catch (error) {
    await stopProcess(nginx);
    throw error;
  }
  return { url: `http://127.0.0.1:${port}`, process: nginx, accessLog: join(dir, "access.log") };
}

function ensureNginx(): void {
  if (spawnSync("nginx", ["-v"], { stdio: "ignore" }).status === 0) return;
  if (process.getuid?.() !== 0)
    throw new HarnessError("nginx is required for the registry's basic auth: apt-get install nginx");
  const apt = (args: string[]) =>
    spawnSync("apt-get", args, {
      stdio: ["ignore", "ignore", "pipe"],
      encoding: "utf8",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
  apt(["update", "-qq"]);
  const install = apt(["install", "-y", "-qq", "--no-install-recommends", "nginx"]);
  if (install.status !== 0) throw new HarnessError(`apt-get install nginx failed: ${install.stderr.trim()}`);
}

/** Registries and proxies still running; killed when this process exits, whatever a test did. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

function spawnLogged(command: string, args: string[], log: string): ChildProcess {
  mkdirSync(state, { recursive: true });
  const out = Bun.file(log).writer();
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"] });
  running.add(child);
  child.stdout!.on("data", (chunk) => out.write(chunk));
  child.stderr!.on("data", (chunk) => out.write(chunk));
  child.on("exit", () => {
    running.delete(child);
    void out.end();
  });
  return child;
}

async function waitFor(
  url: string,
  child: ChildProcess,
  log: string,
  ready: (status: number) => boolean = (status) => status === 200,
): Promise<void> {
  const deadline = Date.now() + startTimeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new HarnessError(`${child.spawnfile} exited during startup; see ${log}`);
    const status = await fetch(url).then(
      (r) => r.status,
      () => 0,
    );
    if (ready(status)) return;
    await Bun.sleep(200);
  }
  throw new HarnessError(`${child.spawnfile} was not ready within ${startTimeoutMs / 1000} s; see ${log}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
