/**
 * Where `read` serves its metrics and probes (src/metrics/): `HOST:PORT`, from the first given of
 * `--metrics`, the SOURCE_KAFKA_METRICS environment variable and the config's `metrics_address`.
 * The most specific wins: a flag is this run's, the environment this deployment's (a pod's), and
 * the config is what every copy of a deployment shares. None given: no server.
 */
import { isIPv6 } from "node:net";
import { ConfigError } from "../errors.ts";
import { hostName } from "./bootstrap.ts";

/** Where an address came from, as the user wrote it: the name every error about it carries. */
export type MetricsSource = "--metrics" | "SOURCE_KAFKA_METRICS" | "config: metrics_address";

export type MetricsAddress = {
  /** undefined: every interface (`:PORT`). An IPv6 address without its brackets. */
  host: string | undefined;
  /** 0: any free port, which the INFO log names once bound. */
  port: number;
  source: MetricsSource;
  /** The value as given, for messages. */
  text: string;
};

const bracketed = /^\[([^\]]*)\]:(.*)$/;
const usage = "must be HOST:PORT such as 0.0.0.0:9464, or :9464 for every interface";

/**
 * What is wrong with a `HOST:PORT` value (a phrase that follows its name), or undefined when it is
 * one: the host a DNS name, an IPv4 address, a bracketed IPv6 address or empty (every interface),
 * the port 0-65535 (0: any free port).
 *
 * @example
 * metricsAddressProblem(":9464") // undefined
 * metricsAddressProblem("9464") // 'must be HOST:PORT such as 0.0.0.0:9464, or :9464 for every interface, got "9464"'
 */
export function metricsAddressProblem(text: string): string | undefined {
  const got = `, got ${quote(text)}`;
  if (/[\p{Cc}\s]/u.test(text)) return `must be HOST:PORT without spaces or control characters${got}`;
  if (text.includes("://")) return `must be HOST:PORT, without a scheme or a path${got}`;
  const parts = split(text);
  if (parts === undefined) return `${usage}${got}`;
  const { host, port } = parts;
  if (host !== undefined && !validHost(host, text)) {
    if (text.startsWith("[")) return `has a bracketed host that is not an IPv6 address${got}`;
    return host.includes(":")
      ? `has an IPv6 host: write it in brackets, e.g. [::]:9464${got}`
      : `has a host that is not a DNS name, an IPv4 address or a bracketed IPv6 address${got}`;
  }
  if (!/^\d{1,5}$/.test(port)) return `has a port that is not a number 0-65535${got}`;
  if (Number(port) > 65535) return `has a port out of range: it must be 0-65535 (0: any free port)${got}`;
  return undefined;
}

/** Parses a value given by `source`; a ConfigError naming the source when it is not HOST:PORT. */
export function parseMetricsAddress(text: string, source: MetricsSource): MetricsAddress {
  const problem = metricsAddressProblem(text);
  const parts = split(text);
  if (problem !== undefined || parts === undefined) throw new ConfigError(`${source} ${problem ?? usage}`);
  return { host: parts.host, port: Number(parts.port), source, text };
}

/**
 * The address to serve on: `--metrics`, else SOURCE_KAFKA_METRICS (empty counts as unset, as a
 * manifest's blank value does), else the config's metrics_address; undefined when none is given.
 */
export function resolveMetricsAddress(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  configured: string | undefined,
): MetricsAddress | undefined {
  if (flag !== undefined) return parseMetricsAddress(flag, "--metrics");
  const fromEnv = env.SOURCE_KAFKA_METRICS;
  if (fromEnv !== undefined && fromEnv !== "") return parseMetricsAddress(fromEnv, "SOURCE_KAFKA_METRICS");
  if (configured !== undefined) return parseMetricsAddress(configured, "config: metrics_address");
  return undefined;
}

/** A bound address as a URL's authority: an IPv6 address in brackets. */
export function formatAddress(host: string, port: number): string {
  return isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`;
}

function split(text: string): { host: string | undefined; port: string } | undefined {
  const ipv6 = bracketed.exec(text);
  if (ipv6) return { host: ipv6[1] ?? "", port: ipv6[2] ?? "" };
  const colon = text.lastIndexOf(":");
  if (colon === -1) return undefined;
  const host = text.slice(0, colon);
  return { host: host === "" ? undefined : host, port: text.slice(colon + 1) };
}

function validHost(host: string, text: string): boolean {
  if (text.startsWith("[")) return isIPv6(host);
  return !host.includes(":") && hostName.test(host) && host.length <= 253;
}

/** A value as JSON (C1 controls escaped too), cut short so that an error stays one short line. */
function quote(text: string): string {
  const short = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  return short.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
