/**
 * A real nginx (Debian's package, installed with apt-get when missing) in front of a local HTTP
 * server, asking for HTTP basic auth: what stands in front of a schema registry exposed behind a
 * proxy, and of an OAuth token endpoint that checks the client's secret (RFC 6749 section 2.3.1,
 * client_secret_basic), which mock-oauth2-server does not do itself.
 *
 *   const proxy = await startBasicAuthProxy(upstreamPort, { username: "u", password: "p" }, dir);
 *   proxy.url               // http://127.0.0.1:PORT: wrong or no credentials get 401
 *   `${proxy.url}/forbidden/…`  // right credentials get 403 here, as from a proxy whose rules deny them
 *   await stopProcess(proxy.process);
 *
 * Also the process helpers the harness's HTTP servers share: a child whose output goes to a log,
 * waiting for it to answer, stopping it.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { freePort, HarnessError } from "./kafka.ts";

const startTimeoutMs = 120_000;

export type BasicAuthProxy = { url: string; process: ChildProcess; accessLog: string };

/** nginx in the foreground, one process, asking for `auth` and passing requests on to `upstreamPort`; its files in `dir`. */
export async function startBasicAuthProxy(
  upstreamPort: number,
  auth: { username: string; password: string },
  state: string,
): Promise<BasicAuthProxy> {
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
  // Under /forbidden/, try_files runs after the access phase, so the credentials are checked
  // (401) before the named location answers 403.
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
        auth_basic "restricted";
        auth_basic_user_file ${join(dir, "htpasswd")};
        location / {
            proxy_pass http://127.0.0.1:${upstreamPort};
        }
        location /forbidden/ {
            root ${dir};
            try_files /nothing-here @forbidden;
        }
        location @forbidden {
            return 403;
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
  if (process.getuid?.() !== 0) throw new HarnessError("nginx is required for basic auth: apt-get install nginx");
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

/** Servers and proxies still running; killed when this process exits, whatever a test did. */
const running = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of running) child.kill("SIGKILL");
});

export function spawnLogged(command: string, args: string[], log: string): ChildProcess {
  mkdirSync(dirname(log), { recursive: true });
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

export async function waitFor(
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

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}
