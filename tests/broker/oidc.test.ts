/**
 * OAUTHBEARER with OIDC client credentials, for real: mock-oauth2-server (harness/oauth.ts) issues
 * signed JWTs that live a few seconds, and the broker's OIDC listener checks them against the
 * server's JWKS with Kafka's own validator. A tailing read must fetch new tokens as they expire,
 * or the broker drops its connections at re-authentication. `check` obtains a token first, so a
 * secret the token endpoint refuses (nginx in front of the server asks for it) is named as such.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { running, type Cluster } from "../../harness/kafka.ts";
import { startCheckingTokenEndpoint } from "../../harness/oauth-front.ts";
import { catalog, jsonFile, parseProtocol, records, run, runners, uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";
import { type Live, startLive } from "../support/process.ts";

let cluster: Cluster;
let oauth: NonNullable<Cluster["oauth"]>;
const secret = "s3cret-oidc-client-value";

beforeAll(async () => {
  const found = await running();
  if (!found?.oauth || !found.listeners.OIDC) throw new Error("these tests need the harness broker's OIDC listener");
  cluster = found;
  oauth = found.oauth;
});

const config = (fields: Record<string, unknown> = {}) => ({
  bootstrap_servers: cluster.listeners.OIDC!.address,
  connect_timeout_ms: 3000,
  sasl: {
    mechanism: "OAUTHBEARER",
    oauth_token_endpoint_url: oauth.tokenEndpoint,
    oauth_client_id: "source-kafka",
    oauth_client_secret: secret,
    oauth_scope: oauth.scope,
    ...fields,
  },
});

const values = (lines: string[]) =>
  parseProtocol(lines.join("\n"))
    .filter((m) => m.type === "RECORD")
    .map((m) => m.record.data.value);

async function until(live: Live, what: string, predicate: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (live.exitCode() !== null)
      throw new Error(`connector exited while waiting for ${what}: ${(await live.finished).stderr}`);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${live.lines.slice(-3).join("\n")}`);
    await Bun.sleep(50);
  }
}

describe.each(runners)("OIDC client credentials (%s)", (runner) => {
  test("check and read through the JWKS-validating listener, the secret in no output", async () => {
    const topic = uniqueTopic("oidc");
    await createTopic(cluster.bootstrap, topic, 2);
    await produce(cluster.bootstrap, topic, [
      { partition: 0, value: "a" },
      { partition: 1, value: "b" },
    ]);
    const file = jsonFile("config.json", config());
    const checked = await run(runner, ["check", "--config", file]);
    expect(checked.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus.status).toBe("SUCCEEDED");
    const result = await run(runner, [
      "read",
      "--config",
      file,
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    expect(result.code).toBe(0);
    expect(
      records(result)
        .map((r) => r.data.value)
        .toSorted(),
    ).toEqual(["a", "b"]);
    for (const output of [checked, result]) expect(output.stdout + output.stderr).not.toContain(secret);
  });

  test("a tail outlives many tokens: it fetches new ones, and the broker keeps its connections", async () => {
    const topic = uniqueTopic("oidc-tail");
    await createTopic(cluster.bootstrap, topic, 1);
    await produce(cluster.bootstrap, topic, [{ partition: 0, value: "first" }]);
    const live = startLive(runner, [
      "read",
      "--tail",
      "--config",
      jsonFile("config.json", config()),
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    try {
      await until(live, "the first record", () => values(live.lines).includes("first"), 20_000);
      // Three token lifetimes: every connection has re-authenticated more than once by now.
      await Bun.sleep(oauth.tokenSeconds * 3 * 1000);
      await produce(cluster.bootstrap, topic, [{ partition: 0, value: "after-expiry" }]);
      await until(
        live,
        "a record produced after the first tokens expired",
        () => values(live.lines).includes("after-expiry"),
        10_000,
      );
      live.kill("SIGTERM");
      const { code, stderr } = await live.finished;
      expect(code).toBe(0);
      expect(live.lines.join("\n") + stderr).not.toContain(secret);
    } finally {
      live.kill("SIGKILL");
    }
  }, 60_000);

  test("the listener checks signatures and issuer: a token of another issuer, signed with its key, is refused", async () => {
    // The same server's other issuer: a well-formed JWT with every claim, but a key the broker does not trust.
    const foreign = oauth.tokenEndpoint.replace(/\/[^/]+\/token$/, "/another-issuer/token");
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile("config.json", config({ oauth_token_endpoint_url: foreign })),
    ]);
    const status = result.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus;
    expect(status?.status).toBe("FAILED");
    expect(status?.message).toStartWith("SASL step: Kafka refused the credentials at broker ");
    expect(status?.message).toContain(
      "the broker rejected the OAUTHBEARER token (status invalid_token): check sasl.oauth_client_id",
    );
  });

  test("a token the broker refuses (another scope: another audience) fails check at the SASL step", async () => {
    const result = await run(runner, ["check", "--config", jsonFile("config.json", config({ oauth_scope: "other" }))]);
    const status = result.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus;
    expect(status?.status).toBe("FAILED");
    expect(status?.message).toStartWith("SASL step: Kafka refused the credentials at broker ");
    expect(status?.message).toContain(
      "the broker rejected the OAUTHBEARER token (status invalid_token): check sasl.oauth_client_id, sasl.oauth_client_secret and sasl.oauth_scope",
    );
    expect(result.stdout + result.stderr).not.toContain(secret);
  });

  test("an unreachable token endpoint fails check naming the endpoint", async () => {
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile("config.json", config({ oauth_token_endpoint_url: "http://127.0.0.1:9/token" })),
    ]);
    const status = result.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus;
    expect(status?.status).toBe("FAILED");
    expect(status?.message).toStartWith("OAuth step: cannot reach the token endpoint http://127.0.0.1:9/token: ");
    expect(result.stdout + result.stderr).not.toContain(secret);
  });
});

describe("check proves the token endpoint and the client's secret", () => {
  let front: Awaited<ReturnType<typeof startCheckingTokenEndpoint>>;
  beforeAll(async () => {
    front = await startCheckingTokenEndpoint(oauth.tokenEndpoint, { id: "source-kafka", secret });
  }, 60_000);
  afterAll(() => front?.stop());

  const status = async (runner: (typeof runners)[number], clientSecret: string) => {
    const started = Date.now();
    const result = await run(runner, [
      "check",
      "--config",
      jsonFile(
        "config.json",
        config({ oauth_token_endpoint_url: front.tokenEndpoint, oauth_client_secret: clientSecret }),
      ),
    ]);
    expect(result.stdout + result.stderr).not.toContain(clientSecret);
    return {
      ms: Date.now() - started,
      ...result.messages.find((m) => m.type === "CONNECTION_STATUS")?.connectionStatus,
    };
  };

  test("the endpoint refuses a wrong secret and serves the right one (what the tests below rely on)", async () => {
    const ask = (clientSecret: string) =>
      fetch(front.tokenEndpoint, {
        method: "POST",
        headers: {
          authorization: `Basic ${btoa(`source-kafka:${clientSecret}`)}`,
          "content-type": "application/x-www-form-urlencoded",
        },
        body: `grant_type=client_credentials&scope=${oauth.scope}`,
      }).then((response) => response.status);
    expect(await ask("wrong-secret-1618")).toBe(401);
    expect(await ask(secret)).toBe(200);
  });

  test.each(runners)("(%s) with the right secret, check obtains a token, then reads", async (runner) => {
    const checked = await status(runner, secret);
    expect(checked.status).toBe("SUCCEEDED");
    expect(checked.message).toStartWith(`obtained a token from ${front.tokenEndpoint}; connected to `);
  });

  test.each(runners)("(%s) a wrong secret fails check within seconds, naming the token endpoint", async (runner) => {
    const checked = await status(runner, "wrong-secret-1618");
    expect(checked).toMatchObject({
      status: "FAILED",
      message: `OAuth step: the token endpoint ${front.tokenEndpoint} refused the client credentials (HTTP 401): check sasl.oauth_client_id and sasl.oauth_client_secret`,
    });
    // Seconds, generously for a loaded machine: the connector's start and one refused request.
    expect(checked.ms).toBeLessThan(15_000);
  });
});

// Once, from source: it shows what the tail test above would see without fetching new tokens.
describe("OIDC client credentials: the control", () => {
  test("the control: a tail with one fixed token of the same lifetime loses the broker once it expires", async () => {
    const topic = uniqueTopic("oidc-fixed");
    await createTopic(cluster.bootstrap, topic, 1);
    await produce(cluster.bootstrap, topic, [{ partition: 0, value: "first" }]);
    const answer = await fetch(oauth.tokenEndpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${btoa("source-kafka:x")}`,
        "content-type": "application/x-www-form-urlencoded",
      },
      body: `grant_type=client_credentials&scope=${oauth.scope}`,
    });
    const token = ((await answer.json()) as { access_token: string }).access_token;
    const fixed = {
      bootstrap_servers: cluster.listeners.OIDC!.address,
      connect_timeout_ms: 3000,
      sasl: { mechanism: "OAUTHBEARER", token },
    };
    const live = startLive("source", [
      "read",
      "--tail",
      "--config",
      jsonFile("config.json", fixed),
      "--catalog",
      jsonFile("catalog.json", catalog([topic])),
    ]);
    try {
      await until(live, "the first record", () => values(live.lines).includes("first"), 20_000);
      await Bun.sleep(oauth.tokenSeconds * 3 * 1000);
      await produce(cluster.bootstrap, topic, [{ partition: 0, value: "after-expiry" }]);
      await Bun.sleep(8_000);
      expect(values(live.lines)).not.toContain("after-expiry");
    } finally {
      live.kill("SIGKILL");
    }
  }, 60_000);
});
