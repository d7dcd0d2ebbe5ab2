/**
 * TLS, SASL and authorisation against the harness broker's real listeners (harness/README.md):
 * the same topic read to the same documents through every secured listener, and each way of
 * getting it wrong reported as the step that failed, with no secret in any output.
 */
import { beforeAll, describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { connect, createServer, type Socket } from "node:net";
import { running, type Cluster } from "../../harness/kafka.ts";
import { parseConfig } from "../../src/config/load.ts";
import {
  catalog,
  jsonFile,
  keyed,
  records,
  run,
  runners,
  traces,
  uniqueTopic,
  type Run,
  type Runner,
} from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

let cluster: Cluster;
let topic: string;
let aclTopic: string;
const pem = (path: string) => readFileSync(path, "utf8");
const t0 = Date.parse("2024-05-01T08:00:00.000Z");

beforeAll(async () => {
  const found = await running();
  if (!found?.listeners.SASL_SSL)
    throw new Error("these tests need the harness broker's secured listeners: run `bun harness/cli.ts up`");
  cluster = found;
  topic = uniqueTopic("secured");
  aclTopic = uniqueTopic(`${cluster.acls.topicPrefix}secured`);
  for (const name of [topic, aclTopic]) {
    await createTopic(cluster.bootstrap, name, 1);
    await produce(cluster.bootstrap, name, [
      { partition: 0, key: "k-1", value: '{"n":1}', timestamp: t0 },
      { partition: 0, key: "k-2", value: "two", timestamp: t0 + 1 },
    ]);
  }
});

const expected = (name: string) => {
  const meta = (offset: number, rest: object) => ({
    topic: name,
    partition: 0,
    offset,
    timestamp: new Date(t0 + offset).toISOString(),
    timestamp_type: "create_time",
    key: `k-${offset + 1}`,
    key_encoding: "utf-8",
    headers: [],
    op: "c",
    ...rest,
  });
  return [
    { n: 1, _meta: meta(0, { value_encoding: "json" }) },
    { value: "two", _meta: meta(1, { value_encoding: "utf-8" }) },
  ].map(keyed);
};

/** An unsecured JWT ("alg":"none"), as the OAUTHBEARER listener's unsecured validator accepts. */
function unsecuredJwt(sub: string): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  return `${part({ alg: "none" })}.${part({ sub, iat: now, exp: now + 3600 })}.`;
}

const listener = (name: string) => cluster.listeners[name]!;
const password = (name: string, user: "alice" | "reader" | "describer") => listener(name).users![user]!;

type Config = Record<string, unknown>;

/** Every way in, each with the config a user would write for it. */
const ways: [string, () => Config][] = [
  [
    "SASL PLAIN",
    () => ({
      bootstrap_servers: listener("SASL_PLAINTEXT").address,
      sasl: { mechanism: "PLAIN", username: "alice", password: password("SASL_PLAINTEXT", "alice") },
    }),
  ],
  [
    "SASL SCRAM-SHA-256",
    () => ({
      bootstrap_servers: listener("SASL_PLAINTEXT").address,
      sasl: { mechanism: "SCRAM-SHA-256", username: "alice", password: password("SASL_PLAINTEXT", "alice") },
    }),
  ],
  [
    "SASL SCRAM-SHA-512",
    () => ({
      bootstrap_servers: listener("SASL_PLAINTEXT").address,
      sasl: { mechanism: "SCRAM-SHA-512", username: "alice", password: password("SASL_PLAINTEXT", "alice") },
    }),
  ],
  [
    "SASL OAUTHBEARER (unsecured token)",
    () => ({
      bootstrap_servers: listener("OAUTHBEARER").address,
      sasl: { mechanism: "OAUTHBEARER", token: unsecuredJwt("alice") },
    }),
  ],
  ["TLS with a custom CA", () => ({ bootstrap_servers: listener("SSL").address, tls: { ca: pem(cluster.tls.ca) } })],
  [
    "mutual TLS",
    () => ({
      bootstrap_servers: listener("MTLS").address,
      tls: {
        ca: pem(cluster.tls.ca),
        client_certificate: pem(cluster.tls.clientCert),
        client_key: pem(cluster.tls.clientKey),
      },
    }),
  ],
  [
    "SASL_SSL (SCRAM-SHA-512 over TLS)",
    () => ({
      bootstrap_servers: listener("SASL_SSL").address,
      tls: { ca: pem(cluster.tls.ca) },
      sasl: { mechanism: "SCRAM-SHA-512", username: "alice", password: password("SASL_SSL", "alice") },
    }),
  ],
  [
    "TLS with insecure_skip_verify",
    () => ({ bootstrap_servers: listener("SSL").address, tls: { insecure_skip_verify: true } }),
  ],
];

const readTopic = (runner: Runner, config: Config, name = topic, env: Record<string, string> = {}) =>
  run(
    runner,
    ["read", "--config", jsonFile("config.json", config), "--catalog", jsonFile("catalog.json", catalog([name]))],
    { env },
  );

const check = async (config: Config) => {
  const result = await run("source", [
    "check",
    "--config",
    jsonFile("config.json", { connect_timeout_ms: 2000, ...config }),
  ]);
  expect(result.code).toBe(0);
  return result.messages.find((m) => m.type === "CONNECTION_STATUS")!.connectionStatus as {
    status: string;
    message: string;
  };
};

/** A failed read: non-zero exit and one config_error TRACE, whose message is returned. */
function configError(result: Run): string {
  expect(result.code).not.toBe(0);
  const [error] = traces(result);
  expect(error.error.failure_type).toBe("config_error");
  return error.error.message as string;
}

describe.each(runners)("security (%s)", (runner) => {
  for (const [way, config] of ways) {
    test(`reads the topic's exact documents through ${way}`, async () => {
      const result = await readTopic(runner, config());
      if (result.code !== 0) throw new Error(`connector exited ${result.code}: ${result.stderr.trim()}`);
      expect(records(result).map((r) => r.data)).toEqual(expected(topic));
    });
  }

  test("TLS without a CA trusts the operating system's store: the broker's CA installed there (SSL_CERT_FILE) is enough", async () => {
    const result = await readTopic(runner, { bootstrap_servers: listener("SSL").address, tls: {} }, topic, {
      SSL_CERT_FILE: cluster.tls.ca,
    });
    if (result.code !== 0) throw new Error(`connector exited ${result.code}: ${result.stderr.trim()}`);
    expect(records(result).map((r) => r.data)).toEqual(expected(topic));
  });

  test("a wrong password is a config_error naming SASL, within bounded time, the password in no output", async () => {
    const wrong = "not-the-password-5f2c9";
    const started = Date.now();
    const result = await readTopic(runner, {
      bootstrap_servers: listener("SASL_PLAINTEXT").address,
      connect_timeout_ms: 2000,
      sasl: { mechanism: "SCRAM-SHA-256", username: "alice", password: wrong },
    });
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(configError(result)).toStartWith(
      `SASL step: Kafka refused the credentials at broker ${listener("SASL_PLAINTEXT").address}`,
    );
    expect(result.stdout + result.stderr).not.toContain(wrong);
  });
});

describe("security: check names the failing step", () => {
  test("check succeeds through every secured listener", async () => {
    for (const [, config] of ways) expect((await check(config())).status).toBe("SUCCEEDED");
  });

  test("a wrong PLAIN password fails at the SASL step and the password is not echoed", async () => {
    const status = await check({
      bootstrap_servers: listener("SASL_PLAINTEXT").address,
      sasl: { mechanism: "PLAIN", username: "alice", password: "wrong-plain-8d1e" },
    });
    expect(status.status).toBe("FAILED");
    expect(status.message).toStartWith(
      `SASL step: Kafka refused the credentials at broker ${listener("SASL_PLAINTEXT").address}`,
    );
    expect(status.message).not.toContain("wrong-plain-8d1e");
  });

  test("a CA that did not sign the broker's certificate fails at the TLS step, in check and in read", async () => {
    const config = {
      bootstrap_servers: listener("SSL").address,
      connect_timeout_ms: 2000,
      tls: { ca: pem(cluster.tls.otherCa) },
    };
    const status = await check(config);
    expect(status.status).toBe("FAILED");
    expect(status.message).toStartWith(`TLS step: the TLS connection failed at broker ${listener("SSL").address}`);
    expect(status.message).toContain("unable to verify");
    expect(configError(await readTopic("source", config))).toStartWith("TLS step:");
  });

  test("mutual TLS without a client certificate fails at the TLS step, naming what is missing, in check and in read", async () => {
    const config = { bootstrap_servers: listener("MTLS").address, tls: { ca: pem(cluster.tls.ca) } };
    const status = await check(config);
    expect(status.status).toBe("FAILED");
    expect(status.message).toStartWith(
      "TLS step: the broker did not accept the client certificate (a listener with ssl.client.auth=required needs tls.client_certificate and tls.client_key",
    );
    expect(configError(await readTopic("source", { ...config, connect_timeout_ms: 2000 }))).toStartWith(
      "TLS step: the broker did not accept the client certificate",
    );
  });

  test("without a CA or insecure_skip_verify the system CAs do not trust the broker: TLS step", async () => {
    const status = await check({ bootstrap_servers: listener("SSL").address, tls: {} });
    expect(status.status).toBe("FAILED");
    expect(status.message).toStartWith(`TLS step: the TLS connection failed at broker ${listener("SSL").address}`);
  });

  test("a plaintext client at a TLS listener is told the broker requires TLS", async () => {
    const status = await check({ bootstrap_servers: listener("SSL").address });
    expect(status.message).toStartWith("TLS step:");
    expect(status.message).toContain("Broker requires TLS");
  });

  test("an unknown host fails at the DNS step", async () => {
    const status = await check({ bootstrap_servers: "no-such-broker.invalid:9092" });
    expect(status.message).toStartWith(
      "DNS step: cannot resolve the broker's host name at broker no-such-broker.invalid:9092",
    );
  });
});

describe("security: ACLs", () => {
  const as = (user: "reader" | "describer") => ({
    bootstrap_servers: listener("SASL_PLAINTEXT").address,
    connect_timeout_ms: 2000,
    sasl: { mechanism: "SCRAM-SHA-256", username: user, password: password("SASL_PLAINTEXT", user) },
  });

  test("a principal with only Describe and Read on its topic can check, discover and read it", async () => {
    expect((await check(as("reader"))).status).toBe("SUCCEEDED");
    const discovered = await run("source", ["discover", "--config", jsonFile("config.json", as("reader"))]);
    expect(discovered.code).toBe(0);
    expect(
      discovered.messages.find((m) => m.type === "CATALOG")!.catalog.streams.map((s: { name: string }) => s.name),
    ).toContain(aclTopic);
    const result = await readTopic("source", as("reader"), aclTopic);
    if (result.code !== 0) throw new Error(`connector exited ${result.code}: ${result.stderr.trim()}`);
    expect(records(result).map((r) => r.data)).toEqual(expected(aclTopic));
  });

  test("a principal without Read gets an authorisation config_error", async () => {
    expect(configError(await readTopic("source", as("describer"), aclTopic))).toContain("TOPIC_AUTHORIZATION_FAILED");
  });

  test("discover by a principal without Read warns that it cannot sample the topic, and why", async () => {
    const discovered = await run("source", ["discover", "--config", jsonFile("config.json", as("describer"))]);
    expect(discovered.code).toBe(0);
    const stream = discovered.messages
      .find((m) => m.type === "CATALOG")!
      .catalog.streams.find((s: { name: string }) => s.name === aclTopic);
    expect(Object.keys(stream.json_schema.properties)).toEqual(["_kafka_partition", "_kafka_offset", "_meta"]);
    const warnings = discovered.messages.filter(
      (m) => m.type === "LOG" && m.log.level === "WARN" && m.log.message.includes(aclTopic),
    );
    expect(warnings).toHaveLength(1);
    expect(warnings[0]!.log.message).toStartWith(
      `discover: cannot sample values of ${aclTopic} (partition 0: TOPIC_AUTHORIZATION_FAILED from broker `,
    );
  });
});

/**
 * A TCP relay to `target` that keeps what the client sent and what the broker answered, to see
 * what crossed the wire.
 */
async function recordingProxy(target: string) {
  const [host, port] = target.split(":") as [string, string];
  const sent: Buffer[] = [];
  const received: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((client) => {
    const upstream = connect({ host, port: Number(port) });
    sockets.push(client, upstream);
    client.on("data", (d: Buffer) => (sent.push(d), upstream.write(d)));
    upstream.on("data", (d: Buffer) => (received.push(d), client.write(d)));
    client.on("close", () => upstream.destroy());
    upstream.on("close", () => client.destroy());
    client.on("error", () => {});
    upstream.on("error", () => {});
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    address: `127.0.0.1:${(server.address() as { port: number }).port}`,
    sent: () => Buffer.concat(sent),
    received: () => Buffer.concat(received),
    close: () => {
      for (const s of sockets) s.destroy();
      server.close();
    },
  };
}

describe("security: AWS MSK IAM", () => {
  test("the MSK IAM token goes to the broker through SASL/OAUTHBEARER, which judges it (and, not being MSK, rejects it)", async () => {
    // No AWS here: what can be proven is that the documented token is built and sent through
    // OAUTHBEARER, and that the broker's answer is reported as a SASL failure.
    const proxy = await recordingProxy(listener("OAUTHBEARER").address);
    const secretKey = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
    let status: Awaited<ReturnType<typeof check>>;
    const before = new Date();
    try {
      status = await check({
        bootstrap_servers: proxy.address,
        sasl: {
          mechanism: "AWS_MSK_IAM",
          aws_region: "eu-west-1",
          aws_access_key_id: "AKIDEXAMPLE",
          aws_secret_access_key: secretKey,
          aws_session_token: "session-token-example",
        },
      });
    } finally {
      proxy.close();
    }
    expect(status.status).toBe("FAILED");
    expect(status.message).toStartWith(`SASL step: Kafka refused the credentials at broker ${proxy.address}`);
    expect(status.message).toContain("the broker rejected the OAUTHBEARER token (status invalid_token)");
    expect(proxy.received().toString("latin1")).toContain('"status":"invalid_token"');

    const sasl = /n,,\x01auth=Bearer ([A-Za-z0-9_-]+)\x01\x01/.exec(proxy.sent().toString("latin1"));
    expect(sasl).not.toBeNull();
    const url = new URL(Buffer.from(sasl![1]!, "base64url").toString("utf8"));
    const day = before.toISOString().slice(0, 10).replaceAll("-", "");
    expect(url.origin + url.pathname).toBe("https://kafka.eu-west-1.amazonaws.com/");
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: "kafka-cluster:Connect",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": `AKIDEXAMPLE/${day}/eu-west-1/kafka-cluster/aws4_request`,
      "X-Amz-Date": expect.stringMatching(new RegExp(`^${day}T\\d{6}Z$`)),
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Security-Token": "session-token-example",
      "X-Amz-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
      "User-Agent": "source-kafka/0.1.0",
    });
    expect(status.message).not.toContain(secretKey);
  });
});

describe("security: config", () => {
  test("each mechanism's own fields are required, and pairs go together", () => {
    const fails = (tls: object | undefined, sasl: object | undefined) => () =>
      parseConfig({ bootstrap_servers: "b:9092", tls, sasl });
    expect(fails(undefined, { mechanism: "PLAIN", password: "p" })).toThrow(
      "config: sasl.username is required when sasl.mechanism is PLAIN",
    );
    expect(fails(undefined, { mechanism: "SCRAM-SHA-512", username: "u" })).toThrow(
      "config: sasl.password is required when sasl.mechanism is SCRAM-SHA-512",
    );
    expect(fails(undefined, { mechanism: "OAUTHBEARER" })).toThrow(
      "config: sasl.token is required when sasl.mechanism is OAUTHBEARER",
    );
    expect(fails(undefined, { mechanism: "AWS_MSK_IAM" })).toThrow(
      "config: sasl.aws_region is required when sasl.mechanism is AWS_MSK_IAM",
    );
    expect(fails(undefined, { mechanism: "AWS_MSK_IAM", aws_region: "us-east-1", aws_access_key_id: "AKID" })).toThrow(
      "config: sasl.aws_access_key_id and sasl.aws_secret_access_key must be given together",
    );
    expect(fails({ client_key: "-----BEGIN PRIVATE KEY-----" }, undefined)).toThrow(
      "config: tls.client_certificate and tls.client_key must be given together",
    );
    expect(fails({ client_certificate: "not pem", client_key: "-----BEGIN PRIVATE KEY-----" }, undefined)).toThrow(
      "config: tls.client_certificate must be a PEM certificate",
    );
  });
});
