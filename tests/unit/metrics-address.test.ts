/** --metrics, SOURCE_KAFKA_METRICS and metrics_address: which values are addresses, what each bad one is told, which wins. */
import { expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load.ts";
import { metricsAddressProblem, resolveMetricsAddress } from "../../src/config/metrics-address.ts";

test.each([
  [":9464", undefined, 9464],
  ["0.0.0.0:9464", "0.0.0.0", 9464],
  ["127.0.0.1:0", "127.0.0.1", 0],
  ["[::]:9464", "::", 9464],
  ["[::1]:65535", "::1", 65535],
  ["metrics.svc.cluster.local:9464", "metrics.svc.cluster.local", 9464],
])("%p is host %p, port %p", (text, host, port) => {
  expect(resolveMetricsAddress(text, {}, undefined)).toEqual({ host, port, source: "--metrics", text });
});

test.each([
  ["9464", 'must be HOST:PORT such as 0.0.0.0:9464, or :9464 for every interface, got "9464"'],
  ["", 'must be HOST:PORT such as 0.0.0.0:9464, or :9464 for every interface, got ""'],
  ["localhost:", 'has a port that is not a number 0-65535, got "localhost:"'],
  ["localhost:http", 'has a port that is not a number 0-65535, got "localhost:http"'],
  ["localhost:-1", 'has a port that is not a number 0-65535, got "localhost:-1"'],
  ["localhost:65536", 'has a port out of range: it must be 0-65535 (0: any free port), got "localhost:65536"'],
  ["::1:9464", 'has an IPv6 host: write it in brackets, e.g. [::]:9464, got "::1:9464"'],
  ["[nope]:9464", 'has a bracketed host that is not an IPv6 address, got "[nope]:9464"'],
  [
    "bad..host:9464",
    'has a host that is not a DNS name, an IPv4 address or a bracketed IPv6 address, got "bad..host:9464"',
  ],
  ["http://0.0.0.0:9464/metrics", 'must be HOST:PORT, without a scheme or a path, got "http://0.0.0.0:9464/metrics"'],
  ["0.0.0.0 :9464", 'must be HOST:PORT without spaces or control characters, got "0.0.0.0 :9464"'],
  ["a\u0085:1", 'must be HOST:PORT without spaces or control characters, got "a\\u0085:1"'],
])("%p: %s", (text, problem) => {
  expect(metricsAddressProblem(text)).toBe(problem);
  expect(() => resolveMetricsAddress(text, {}, undefined)).toThrow(`--metrics ${problem}`);
  expect(() => resolveMetricsAddress(undefined, { SOURCE_KAFKA_METRICS: text || "x" }, undefined)).toThrow(
    "SOURCE_KAFKA_METRICS ",
  );
  expect(() => parseConfig({ bootstrap_servers: "b:9092", metrics_address: text })).toThrow(
    `config: metrics_address ${problem}`,
  );
});

test("the flag wins over the environment, which wins over the config; an empty variable counts as unset", () => {
  const env = { SOURCE_KAFKA_METRICS: ":2" };
  expect(resolveMetricsAddress(":1", env, ":3")?.port).toBe(1);
  expect(resolveMetricsAddress(undefined, env, ":3")).toMatchObject({ port: 2, source: "SOURCE_KAFKA_METRICS" });
  expect(resolveMetricsAddress(undefined, { SOURCE_KAFKA_METRICS: "" }, ":3")).toMatchObject({
    port: 3,
    source: "config: metrics_address",
  });
  expect(resolveMetricsAddress(undefined, {}, undefined)).toBeUndefined();
  // A bad value is refused even where a later source would have given a good one.
  expect(() => resolveMetricsAddress("nope", {}, ":3")).toThrow("--metrics must be HOST:PORT");
});

test("metrics_address must be a string", () => {
  expect(() => parseConfig({ bootstrap_servers: "b:9092", metrics_address: 9464 })).toThrow(
    "config: metrics_address must be string, got number",
  );
});
