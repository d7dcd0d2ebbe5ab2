/**
 * The OIDC listener's authorisation server: mock-oauth2-server (Maven Central), run from its
 * standalone main class. It issues RS256 JWTs by the client-credentials grant at
 * `<url>/token` and publishes their keys at `<url>/jwks`, which the broker's JWKS validator
 * (OAuthBearerValidatorCallbackHandler) fetches. Tokens for scope `kafka` carry the audience and
 * subject the broker expects and live `OAUTH_TOKEN_SECONDS`, short enough that a tailing read
 * must fetch new ones while it runs. The server accepts any client secret (it checks none, and has
 * no setting to): `startCheckingTokenEndpoint` (harness/oauth-front.ts) puts a real nginx in front of
 * it that does.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";

const ROOT = resolve(import.meta.dir, "..");

export const OAUTH_ISSUER_ID = "kafka";
export const OAUTH_SCOPE = "kafka";
export const OAUTH_AUDIENCE = "kafka-broker";
export const OAUTH_TOKEN_SECONDS = 6;

/** The jars are shared; the running server's files are its broker's (`state`), as brokers of several versions may run at once. */
export function oauthFiles(state: string) {
  const libs = join(ROOT, ".cache", "oauth", "libs");
  return {
    pom: join(ROOT, "harness", "oauth", "pom.xml"),
    libs,
    marker: join(libs, ".complete"),
    log: join(state, "oauth-server.log"),
    pidFile: join(state, "oauth-server.pid"),
  };
}

/** In the server's command line: how `down` knows the pid is still the server. */
export const OAUTH_MAIN_CLASS = "no.nav.security.mock.oauth2.StandaloneMockOAuth2ServerKt";

/** Copies the server's jars from Maven once (again when the POM changes). */
export function ensureOAuthLibs(): void {
  const f = oauthFiles(ROOT);
  const pom = readFileSync(f.pom, "utf8");
  if (existsSync(f.marker) && readFileSync(f.marker, "utf8") === pom) return;
  rmSync(f.libs, { recursive: true, force: true });
  const mvn = spawnSync(
    "mvn",
    ["-q", "-B", "-Dstyle.color=never", "-f", f.pom, "dependency:copy-dependencies", `-DoutputDirectory=${f.libs}`],
    { encoding: "utf8" },
  );
  if (mvn.status !== 0)
    throw new Error(
      `Maven could not fetch mock-oauth2-server: ${`${mvn.stdout}${mvn.stderr}`.trim().split("\n").at(-1)}`,
    );
  writeFileSync(f.marker, pom);
}

/** The server's JSON_CONFIG: which claims a token for scope `kafka` carries, and its lifetime. */
export function oauthServerConfig(): string {
  return JSON.stringify({
    interactiveLogin: false,
    tokenCallbacks: [
      {
        issuerId: OAUTH_ISSUER_ID,
        tokenExpiry: OAUTH_TOKEN_SECONDS,
        requestMappings: [
          {
            requestParam: "scope",
            match: OAUTH_SCOPE,
            claims: { sub: "source-kafka", aud: [OAUTH_AUDIENCE], scope: OAUTH_SCOPE },
          },
        ],
      },
    ],
  });
}

/** The broker's settings for a JWKS-validating OAUTHBEARER listener trusting the server at `url` (its issuer). */
export function jwksProperties(listener: string, url: string, kafka41: boolean): string[] {
  const key = `listener.name.${listener.toLowerCase()}.oauthbearer`;
  return [
    `listener.name.${listener.toLowerCase()}.sasl.enabled.mechanisms=OAUTHBEARER`,
    `${key}.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required;`,
    `${key}.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler`,
    // Under the listener's prefix, like the handler: the validator sees only its listener's settings.
    `${key}.sasl.oauthbearer.jwks.endpoint.url=${url}/jwks`,
    `${key}.sasl.oauthbearer.expected.issuer=${url}`,
    `${key}.sasl.oauthbearer.expected.audience=${OAUTH_AUDIENCE}`,
    // Kafka 4.1's default validator instantiated by name has no key resolver and checks no
    // signature (tests/broker/oidc.test.ts proves a foreign token is refused): name the broker's own.
    ...(kafka41
      ? ["sasl.oauthbearer.jwt.validator.class=org.apache.kafka.common.security.oauthbearer.BrokerJwtValidator"]
      : []),
    // The default 30 s of clock skew would let a 6 s token live 36 s.
    `${key}.sasl.oauthbearer.clock.skew.seconds=1`,
    // Re-authentication (KIP-368): a session ends with its token, so a client must bring a new one
    // on each connection it keeps; one that does not is disconnected.
    `${key}.connections.max.reauth.ms=3600000`,
  ];
}
