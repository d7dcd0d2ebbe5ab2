/**
 * Hostile input: a corpus of bad configs generated from the spec (every field given the wrong
 * type, nothing, an empty value, control characters and a 1 MB value), bad catalogs and bad
 * states, plus property tests of the parsers. Each must be one config_error line naming the field.
 */
import { describe, expect, test } from "bun:test";
import fc from "fast-check";
import { parseCatalog } from "../../src/catalog/catalog.ts";
import { connectionSpecification } from "../../src/commands/spec.ts";
import { parseConfig } from "../../src/config/load.ts";
import { ConfigError } from "../../src/errors.ts";
import { parseState } from "../../src/state/parse.ts";
import { catalog, jsonFile, run, runners, traces } from "../support/connector.ts";

type Property = {
  type?: string;
  enum?: unknown[];
  pattern?: string;
  format?: string;
  minLength?: number;
  properties?: Record<string, Property>;
  required?: string[];
};

const base = { bootstrap_servers: "127.0.0.1:9" };
const huge = "x".repeat((1 << 20) + 1);
const controlCharacters = "\u0000\u001b[31m\r\nbell\u0007";

/** [field path, config] pairs: each config is valid but for that one field. */
function badConfigs(): [string, Record<string, unknown>][] {
  const spec = connectionSpecification() as Property;
  const cases: [string, Record<string, unknown>][] = [];
  const within = (path: string[], value: unknown): Record<string, unknown> => {
    // Parents of a nested field get a valid shape so that only the field itself is wrong.
    const parents: Record<string, Record<string, unknown>> = {
      sasl: { mechanism: "PLAIN", username: "u", password: "p" },
      tls: {},
      schema_registry: { url: "http://127.0.0.1:9" },
    };
    const [top = "", inner] = path;
    if (inner === undefined) return { ...base, [top]: value };
    return { ...base, [top]: { ...parents[top], [inner]: value } };
  };
  const visit = (properties: Record<string, Property>, required: string[], path: string[]) => {
    for (const [name, p] of Object.entries(properties)) {
      const here = [...path, name];
      const field = here.join(".");
      const wrongType = p.type === "string" || p.enum ? 12345 : `not-a-${p.type ?? "value"}`;
      cases.push([field, within(here, wrongType)]);
      cases.push([field, within(here, null)]);
      cases.push([field, within(here, [])]);
      // Free text (a password, a CA) may hold anything short enough; constrained fields may not.
      const constrained = p.type !== "string" || p.enum || p.pattern || p.format;
      if (p.type !== "object") cases.push([field, within(here, huge)]);
      if (constrained && p.type !== "object") cases.push([field, within(here, controlCharacters)]);
      if (constrained || (p.minLength ?? 0) > 0) cases.push([field, within(here, "")]);
      if (p.type === "integer") for (const n of [-1, 1.5, 1e15]) cases.push([field, within(here, n)]);
      if (required.includes(name)) {
        const config = within(here, undefined);
        if (path.length === 0) delete config[name];
        else delete (config[path[0] ?? ""] as Record<string, unknown>)[name];
        cases.push([field, config]);
      }
      if (p.properties) visit(p.properties, p.required ?? [], here);
    }
  };
  visit(spec.properties!, spec.required ?? [], []);
  return cases;
}

const problems = (error: unknown) => {
  expect(error).toBeInstanceOf(ConfigError);
  return (error as Error).message;
};

describe("the config corpus", () => {
  const cases = badConfigs();

  test("covers every field of the spec", () => {
    const fields = new Set(cases.map(([field]) => field));
    expect(fields.size).toBeGreaterThanOrEqual(20);
    expect(fields.has("sasl.password")).toBe(true);
  });

  test("every bad config is one short line naming its field, echoing no hostile text", () => {
    for (const [field, config] of cases) {
      let message = "";
      try {
        parseConfig(config);
        throw new Error(`accepted a bad ${field}: ${JSON.stringify(config).slice(0, 200)}`);
      } catch (error) {
        message = problems(error);
      }
      expect(message).toStartWith("config: ");
      expect(message).toContain(field);
      expect(message).not.toMatch(/[\u0000-\u001f]/);
      expect(message.length).toBeLessThan(300);
    }
  });
});

describe("bad bootstrap addresses", () => {
  const addresses = [
    "broker\u0001:9092",
    "broker\u009b31m:9092",
    "broker",
    "broker:",
    "broker:kafka",
    "broker:9092,,other:9092",
    "broker:9092,",
    "broker:0",
    "broker:65536",
    "broker:99999999",
    "::1:9092",
    "[::1]",
    "[not-ipv6]:9092",
    "PLAINTEXT://broker:9092",
  ];
  test.each(addresses)("%j is a config error naming bootstrap_servers and its entry", (address) => {
    let message = "";
    try {
      parseConfig({ bootstrap_servers: address });
    } catch (error) {
      message = problems(error);
    }
    expect(message).toMatch(/^config: bootstrap_servers (entry \d+|must)/);
    expect(message).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
    expect(message.length).toBeLessThan(300);
  });
});

describe("bad catalogs and states", () => {
  const badCatalogs: [string, unknown][] = [
    ["streams", {}],
    ["streams", { streams: "all" }],
    ["streams.0.stream", { streams: [{ sync_mode: "incremental" }] }],
    ["streams.0.stream.name", { streams: [{ stream: { name: "" }, sync_mode: "incremental" }] }],
    ["streams.0.stream.name", { streams: [{ stream: { name: "x".repeat(1 << 20) }, sync_mode: "incremental" }] }],
    ["streams.0.sync_mode", { streams: [{ stream: { name: "t" }, sync_mode: "append" }] }],
    ["range", { ...catalog(["t"]), range: "00000000-ffffffff" }],
    ["range.end", { ...catalog(["t"]), range: { begin: "00000000" } }],
    ["range.begin", { ...catalog(["t"]), range: { begin: "-0000001", end: "ffffffff" } }],
    ["tail", { ...catalog(["t"]), tail: "yes" }],
    ['"t" twice', { streams: [...catalog(["t"]).streams, ...catalog(["t"]).streams] }],
  ];
  test.each(badCatalogs)("a catalog with a bad %s is a one-line config error naming it", (field, input) => {
    let message = "";
    try {
      parseCatalog(input);
    } catch (error) {
      message = problems(error);
    }
    expect(message).toStartWith("catalog");
    expect(message).toContain(field);
    expect(message.length).toBeLessThan(300);
  });

  const stream = (partitions: unknown) => ({
    type: "STREAM",
    stream: { stream_descriptor: { name: "t" }, stream_state: { partitions } },
  });
  const badStates: [string, unknown][] = [
    ["must be a JSON object", 42],
    ["type", { type: "GLOBAL", global: {} }],
    [
      "stream.stream_descriptor.name",
      { type: "STREAM", stream: { stream_descriptor: { name: 7 }, stream_state: { partitions: {} } } },
    ],
    [
      "stream.stream_state.partitions",
      { type: "STREAM", stream: { stream_descriptor: { name: "t" }, stream_state: {} } },
    ],
    ["partitions.0.offset", stream({ "0": { offset: "12" } })],
    ["partitions.0.offset", stream({ "0": { offset: -5 } })],
    ["partitions.0.offset", stream({ "0": { offset: 2 ** 60 } })],
    ["partitions.0.offset", stream({ "0": {} })],
    ["partitions.-1", stream({ "-1": { offset: 1 } })],
    ["partitions.01", stream({ "01": { offset: 1 } })],
  ];
  test.each(badStates)("a state with a bad %s is a one-line config error naming it", (field, input) => {
    let message = "";
    try {
      parseState(input);
    } catch (error) {
      message = problems(error);
    }
    expect(message).toStartWith("state");
    expect(message).toContain(field);
  });
});

describe("parser properties", () => {
  test("any JSON given as config or state either parses or is a ConfigError, never another throw", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        for (const parse of [parseConfig, parseState, parseCatalog] as ((input: unknown) => unknown)[]) {
          try {
            parse(value);
          } catch (error) {
            if (!(error instanceof ConfigError)) throw error;
            if ((error as Error).message.includes("\n")) throw new Error("multi-line message");
          }
        }
      }),
      { numRuns: 2000 },
    );
  });

  test("a state the connector would write parses back to the same offsets", () => {
    const offsets = fc.dictionary(fc.nat({ max: 100000 }).map(String), fc.record({ offset: fc.maxSafeNat() }));
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 40 }), offsets, (name, partitions) => {
        const message = {
          type: "STATE",
          state: { type: "STREAM", stream: { stream_descriptor: { name }, stream_state: { partitions } } },
        };
        const parsed = parseState([message]).get(name)!;
        expect(Object.fromEntries([...parsed].map(([p, o]) => [String(p), { offset: o }]))).toEqual(partitions);
      }),
    );
  });
});

describe.each(runners)("hostile input through the process (%s)", (runner) => {
  const sample: [string, unknown][] = [
    ["control characters in bootstrap_servers", { bootstrap_servers: "\u0000\u001b[2J" }],
    ["a bootstrap entry without a port", { bootstrap_servers: "127.0.0.1:9,broker-2" }],
    ["a bootstrap port out of range", { bootstrap_servers: "127.0.0.1:70000" }],
    ["an empty bootstrap entry", { bootstrap_servers: "127.0.0.1:9,,127.0.0.1:10" }],
    ["a 1 MB client_id", { ...base, client_id: "x".repeat(1 << 20) }],
    [
      "an OIDC client secret with a token endpoint that is no URL",
      {
        ...base,
        sasl: {
          mechanism: "OAUTHBEARER",
          oauth_token_endpoint_url: "idp\u0000/token",
          oauth_client_id: "c",
          oauth_client_secret: "s3cr3t-value",
        },
      },
    ],
    [
      "an OIDC client without its secret",
      {
        ...base,
        sasl: { mechanism: "OAUTHBEARER", oauth_token_endpoint_url: "http://idp/token", oauth_client_id: "c" },
      },
    ],
    [
      "a secret-bearing sasl with a bad mechanism",
      { ...base, sasl: { mechanism: "NTLM", username: "u", password: "s3cr3t-value" } },
    ],
  ];
  test.each(sample)("%s: config_error, non-zero exit, one line, no echo", async (_, config) => {
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", config),
      "--catalog",
      jsonFile("catalog.json", catalog(["t"])),
    ]);
    expect(result.code).not.toBe(0);
    expect(traces(result)[0].error.failure_type).toBe("config_error");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stdout + result.stderr).not.toContain("s3cr3t-value");
    expect(result.stdout + result.stderr).not.toContain("x".repeat(1000));
    expect(result.stdout).not.toMatch(/\u001b/);
  });
  test("read fails at once on a bad bootstrap address, not after the retry budget", async () => {
    const started = Date.now();
    const result = await run(runner, [
      "read",
      "--config",
      jsonFile("config.json", { bootstrap_servers: "127.0.0.1:9092,broker-2" }),
      "--catalog",
      jsonFile("catalog.json", catalog(["t"])),
    ]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result.code).not.toBe(0);
    expect(traces(result)[0].error).toMatchObject({
      failure_type: "config_error",
      message: 'config: bootstrap_servers entry 2 ("broker-2") has no port: each entry must be host:port',
    });
  });
});
