/** bootstrap_servers: which lists of host:port are brokers, and what each bad entry is told. */
import { expect, test } from "bun:test";
import { parseBootstrapServers } from "../../src/config/bootstrap.ts";
import { parseConfig } from "../../src/config/load.ts";

test("names, IPv4 and bracketed IPv6 hosts with their ports, spaces around commas allowed", () => {
  expect(parseBootstrapServers("broker-1:9092, 10.0.0.7:19092,[::1]:9093,kafka_0.svc.cluster.local.:1")).toEqual({
    brokers: [
      { host: "broker-1", port: 9092 },
      { host: "10.0.0.7", port: 19092 },
      { host: "::1", port: 9093 },
      { host: "kafka_0.svc.cluster.local.", port: 1 },
    ],
  });
});

test.each([
  ["broker-1", 'entry 1 ("broker-1") has no port: each entry must be host:port'],
  ["a:9092,,b:9092", "entry 2 is empty: each entry must be host:port, separated by commas"],
  ["a:9092,", "entry 2 is empty: each entry must be host:port, separated by commas"],
  ["a:kafka", 'entry 1 ("a:kafka") has a port that is not a number: each entry must be host:port'],
  ["a:", 'entry 1 ("a:") has a port that is not a number: each entry must be host:port'],
  ["a:0", 'entry 1 ("a:0") has a port out of range: it must be 1-65535'],
  ["a:65536", 'entry 1 ("a:65536") has a port out of range: it must be 1-65535'],
  ["a:-1", 'entry 1 ("a:-1") has a port that is not a number: each entry must be host:port'],
  [":9092", 'entry 1 (":9092") has no host: each entry must be host:port'],
  ["::1:9092", 'entry 1 ("::1:9092") looks like an IPv6 address: write it in brackets, e.g. [::1]:9092'],
  ["[nope]:9092", 'entry 1 ("[nope]:9092") has a bracketed host that is not an IPv6 address'],
  ["a:1,b\u0000c:2", 'entry 2 ("b\\u0000c:2") holds whitespace or control characters'],
  ["a b:1", 'entry 1 ("a b:1") holds whitespace or control characters'],
  ["http://a:9092", 'entry 1 ("http://a:9092") is a URL: give host:port, without a scheme'],
  ["a/b:9092", 'entry 1 ("a/b:9092") has a host that is not a DNS name or IPv4 address'],
])("%j is refused: %s", (text, problem) => {
  expect(parseBootstrapServers(text)).toEqual({ problem });
  expect(() => parseConfig({ bootstrap_servers: text })).toThrow(`config: bootstrap_servers ${problem}`);
});

test("a JSON list is refused with the string form to use instead", () => {
  expect(() => parseConfig({ bootstrap_servers: ["a:9092"] })).toThrow(
    'config: bootstrap_servers must be one string of comma-separated host:port such as "broker-1:9092,broker-2:9092", not a JSON list',
  );
});
