/**
 * A throwaway PostgreSQL server for the example: Debian's postgresql package (installed with
 * apt-get when missing), a fresh cluster in a temp folder, listening on a free
 * port of 127.0.0.1 only, trusting local connections. PostgreSQL refuses to run as root, so when
 * we are root its commands run as the package's `postgres` user; the cluster's folder is in the
 * system's temp folder, which that user can reach wherever the checkout lives.
 *
 * @example
 *   const pg = await startPostgres();
 *   const sql = new SQL(pg.url);
 *   …
 *   await sql.close(); pg.stop();
 */
import { spawnSync, type SpawnSyncOptions } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";

export class PostgresError extends Error {
  override name = "PostgresError";
}

export type Postgres = { url: string; dir: string; stop: () => void };

const isRoot = process.getuid?.() === 0;

function run(command: string, args: string[], options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], ...options });
  if (result.status !== 0)
    throw new PostgresError(`${command} ${args.join(" ")} failed: ${result.error?.message ?? result.stderr}`);
  return String(result.stdout);
}

/** PostgreSQL's server programs, newest major version first; Debian keeps them off PATH. */
function serverBin(): string | undefined {
  const base = "/usr/lib/postgresql";
  const versions = existsSync(base) ? readdirSync(base).filter((v) => existsSync(join(base, v, "bin", "pg_ctl"))) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  return newest && join(base, newest, "bin");
}

function ensureInstalled(): string {
  const found = serverBin();
  if (found) return found;
  if (!isRoot)
    throw new PostgresError(
      "PostgreSQL is not installed: install Debian's postgresql package (apt-get install postgresql)",
    );
  console.error("installing PostgreSQL (apt-get install postgresql)...");
  const quiet = { env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } };
  run("apt-get", ["update", "-qq"], quiet);
  run("apt-get", ["install", "-y", "-qq", "--no-install-recommends", "postgresql"], quiet);
  const installed = serverBin();
  if (!installed)
    throw new PostgresError("apt-get installed postgresql but no /usr/lib/postgresql/*/bin/pg_ctl appeared");
  return installed;
}

/** Runs a server program as the unprivileged `postgres` user when we are root. */
function asPostgres(program: string, args: string[]): string {
  return isRoot ? run("runuser", ["-u", "postgres", "--", program, ...args]) : run(program, args);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Creates and starts a new cluster; `stop()` shuts it down and deletes its folder. `settings` are
 * extra server settings, e.g. `{ wal_level: "logical" }` for Debezium (harness/debezium.ts).
 */
export async function startPostgres(settings: Record<string, string> = {}): Promise<Postgres> {
  const bin = ensureInstalled();
  const dir = mkdtempSync(join(tmpdir(), "source-kafka-postgres-"));
  if (isRoot) {
    const [uid, gid] = ["-u", "-g"].map((flag) => Number(run("id", [flag, "postgres"]).trim()));
    chownSync(dir, uid ?? 0, gid ?? 0);
  }
  const data = join(dir, "data");
  const log = join(dir, "postgres.log");
  asPostgres(join(bin, "initdb"), [
    "-D",
    data,
    "-U",
    "postgres",
    "--auth=trust",
    "--no-sync",
    "-E",
    "UTF8",
    "--locale=C",
  ]);
  const port = await freePort();
  // The socket goes in our own folder: Debian's /var/run/postgresql may not exist or be ours.
  const options = `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=${dir} -c fsync=off${Object.entries(
    settings,
  )
    .map(([name, value]) => ` -c ${name}=${value}`)
    .join("")}`;
  try {
    asPostgres(join(bin, "pg_ctl"), ["start", "-w", "-t", "60", "-D", data, "-l", log, "-o", options]);
  } catch (error) {
    const tail = existsSync(log) ? readFileSync(log, "utf8").slice(-2000) : "";
    rmSync(dir, { recursive: true, force: true });
    throw new PostgresError(`${(error as Error).message}\n${tail}`);
  }
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    dir,
    stop: () => {
      asPostgres(join(bin, "pg_ctl"), ["stop", "-w", "-m", "fast", "-D", data]);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
