/**
 * The HTTP server of `read --metrics HOST:PORT`, on the main thread: `/metrics` in the Prometheus
 * text format, `/healthz` (the process answers: alive) and `/readyz` (planned and reading) for
 * Kubernetes probes. `read` binds it before it plans, so that a taken port or a wrong address is a
 * config error before anything is read, and liveness holds while the read waits for the cluster;
 * `read` closes it as the process ends. node:http, so that Bun and Deno serve it alike.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { lookup } from "node:dns/promises";
import type { AddressInfo } from "node:net";
import { type MetricsAddress, formatAddress } from "../config/metrics-address.ts";
import { ConfigError, oneLine } from "../errors.ts";
import { protocolLog } from "../log.ts";
import { contentType } from "./exposition.ts";
import type { ReadMetrics } from "./read-metrics.ts";

export class MetricsServer {
  readonly #server: Server;
  /** Where it listens, as host:port (the port the system chose for port 0). */
  readonly address: string;

  private constructor(server: Server) {
    this.#server = server;
    const bound = server.address() as AddressInfo;
    this.address = formatAddress(bound.address, bound.port);
  }

  /**
   * Listens on `address` and answers from `metrics`; a ConfigError naming where the address came
   * from when it cannot (the port is taken, the host is not this machine's or does not resolve).
   */
  static async listen(address: MetricsAddress, metrics: ReadMetrics): Promise<MetricsServer> {
    const server = createServer((request, response) => answer(request, response, metrics));
    // A scraper's broken connection is its own business: it must not reach the process.
    server.on("clientError", (_error, socket) => socket.destroy());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(address.port, address.host, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch(async (error: NodeJS.ErrnoException) => {
      throw new ConfigError(
        `${address.source}: cannot listen on ${JSON.stringify(address.text)}: ${await whyNot(error, address)}`,
      );
    });
    // Once listening, a failure of the server (accepting a connection) must not end the read.
    server.on("error", (error) => protocolLog("WARN", `metrics server: ${oneLine(error)}`));
    return new MetricsServer(server);
  }

  /** Stops listening and drops open connections (a scraper keeps its connection alive). */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
    this.#server.closeAllConnections();
    await closed;
  }
}

const plainText = "text/plain; charset=utf-8";

function answer(request: IncomingMessage, response: ServerResponse, metrics: ReadMetrics): void {
  let reply: ReturnType<typeof route>;
  try {
    reply = route(request, metrics);
  } catch (error) {
    // A bug in rendering costs the scrape, never the read.
    reply = [500, plainText, `internal error: ${oneLine(error)}\n`];
  }
  const [status, type, body, headers = {}] = reply;
  response.writeHead(status, { "content-type": type, "cache-control": "no-store", ...headers });
  response.end(request.method === "HEAD" ? undefined : body);
}

function route(
  request: IncomingMessage,
  metrics: ReadMetrics,
): [status: number, type: string, body: string, headers?: Record<string, string>] {
  if (request.method !== "GET" && request.method !== "HEAD")
    return [405, plainText, "only GET and HEAD\n", { allow: "GET, HEAD" }];
  const path = (request.url ?? "/").split("?")[0];
  if (path === "/metrics") return [200, contentType, metrics.render()];
  if (path === "/healthz") return [200, plainText, "ok\n"];
  if (path === "/readyz") {
    const { phase } = metrics;
    return phase === "reading" ? [200, plainText, "ready: reading\n"] : [503, plainText, `not ready: ${phase}\n`];
  }
  return [404, plainText, "not found: try /metrics, /healthz or /readyz\n"];
}

/** Why a listen failed, in words: runtimes name the same failures differently (Bun, its executables, Deno). */
async function whyNot(error: NodeJS.ErrnoException, address: MetricsAddress): Promise<string> {
  const { host, port } = address;
  if (error.code === "EADDRINUSE") return `port ${port} is already in use`;
  if (error.code === "EACCES") return `not allowed to listen on port ${port} (ports below 1024 need privileges)`;
  if (host !== undefined) {
    const resolves = await lookup(host).then(
      () => true,
      () => false,
    );
    if (!resolves) return `host ${host} does not resolve`;
    if (error.code === "EADDRNOTAVAIL" || error.code === "EINVAL") return `${host} is not an address of this machine`;
  }
  return error.code ?? error.message;
}
