/**
 * `bootstrap_servers`: a comma-separated list of `host:port`, where a host is a DNS name, an IPv4
 * address or a bracketed IPv6 address (`[::1]:9092`). Checked when the config loads, so that a
 * typo is a config error at once rather than a cluster that looks unreachable for the whole
 * retry budget.
 */
import { isIPv6 } from "node:net";
import { ConfigError } from "../errors.ts";

export type Broker = { host: string; port: number };

/** Labels of letters, digits, '-' and '_' (container and Kubernetes names use '_'), dot-separated; IPv4 addresses too. */
export const hostName = /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,62})(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,62}))*\.?$/;
const bracketed = /^\[([^\]]*)\]:(.*)$/;

/**
 * The brokers of a `bootstrap_servers` value, or what is wrong with its first bad entry.
 *
 * @example
 * parseBootstrapServers("broker-1:9092, [::1]:9093") // { brokers: [{ host: "broker-1", port: 9092 }, { host: "::1", port: 9093 }] }
 * parseBootstrapServers("broker-1") // { problem: 'entry 1 ("broker-1") has no port: each entry must be host:port' }
 */
export function parseBootstrapServers(text: string): { brokers: Broker[] } | { problem: string } {
  const entries = text.split(",").map((entry) => entry.trim());
  const brokers: Broker[] = [];
  for (const [index, entry] of entries.entries()) {
    const where = `entry ${index + 1}${entry === "" ? "" : ` (${quote(entry)})`}`;
    const broker = parseEntry(entry);
    if (typeof broker === "string") return { problem: `${where} ${broker}` };
    brokers.push(broker);
  }
  return { brokers };
}

/** One `host:port`, or what is wrong with it (a phrase that follows the entry's name). */
function parseEntry(entry: string): Broker | string {
  if (entry === "") return "is empty: each entry must be host:port, separated by commas";
  if (/[\p{Cc}\s]/u.test(entry)) return "holds whitespace or control characters";
  if (entry.includes("://")) return "is a URL: give host:port, without a scheme";
  let host: string;
  let port: string;
  const ipv6 = bracketed.exec(entry);
  if (ipv6) {
    host = ipv6[1] ?? "";
    port = ipv6[2] ?? "";
    if (!isIPv6(host)) return "has a bracketed host that is not an IPv6 address";
  } else {
    const colon = entry.lastIndexOf(":");
    if (colon === -1) return "has no port: each entry must be host:port";
    host = entry.slice(0, colon);
    port = entry.slice(colon + 1);
    if (host.includes(":")) return "looks like an IPv6 address: write it in brackets, e.g. [::1]:9092";
    if (host === "") return "has no host: each entry must be host:port";
    if (!hostName.test(host) || host.length > 253) return "has a host that is not a DNS name or IPv4 address";
  }
  if (!/^\d{1,5}$/.test(port)) return "has a port that is not a number: each entry must be host:port";
  const number = Number(port);
  if (number < 1 || number > 65535) return "has a port out of range: it must be 1-65535";
  return { host, port: number };
}

/** An entry as JSON (control characters escaped), cut short so that an error stays one short line. */
function quote(entry: string): string {
  const short = JSON.stringify(entry.length > 40 ? `${entry.slice(0, 40)}…` : entry);
  // JSON escapes C0 controls only: escape C1 and DEL too, which a terminal may also act on.
  return short.replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** The brokers of a value the config schema already accepted. */
export function brokersOf(text: string): Broker[] {
  const parsed = parseBootstrapServers(text);
  if ("problem" in parsed) throw new ConfigError(`config: bootstrap_servers ${parsed.problem}`);
  return parsed.brokers;
}
