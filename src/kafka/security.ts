/**
 * The connection's security settings (TLS, SASL) in the client library's terms. Secrets pass
 * through here to the library and nowhere else.
 */
import type { Config } from "../config/config.ts";
import { ConfigError } from "../errors.ts";
import { resolveAwsCredentials } from "./aws/credentials.ts";
import { mskIamToken } from "./aws/msk-iam.ts";
import { type ClientCredentials, clientCredentialsTokens } from "./oauth/client-credentials.ts";

/** What a connection needs of the config: where the brokers are and how to reach them. */
export type ConnectionSettings = Pick<
  Config,
  "bootstrap_servers" | "client_id" | "tls" | "sasl" | "connect_timeout_ms"
>;

export function connectionSecurity(settings: ConnectionSettings): object {
  const security: Record<string, unknown> = {};
  const { tls, sasl } = settings;
  if (tls) {
    // Without `ca`, Node's TLS trusts the system CAs; verification is off only when asked.
    security.tls = {
      ...(tls.ca ? { ca: tls.ca } : {}),
      ...(tls.client_certificate && tls.client_key ? { cert: tls.client_certificate, key: tls.client_key } : {}),
      rejectUnauthorized: !tls.insecure_skip_verify,
    };
  }
  if (sasl?.mechanism === "AWS_MSK_IAM") {
    const region = sasl.aws_region;
    // Config validation requires it (config/load.ts); a config built in code may still lack it.
    if (region === undefined)
      throw new ConfigError("config: sasl.aws_region is required when sasl.mechanism is AWS_MSK_IAM");
    // Resolved now, so that missing credentials fail before any connection; again for each
    // token, so that a refreshed credentials file or session is picked up.
    resolveAwsCredentials(sasl);
    security.sasl = {
      mechanism: "OAUTHBEARER",
      token: () => mskIamToken({ region, credentials: resolveAwsCredentials(sasl) }),
      authBytesValidator: rejectedToken,
    };
  } else if (sasl?.mechanism === "OAUTHBEARER") {
    // A token endpoint means tokens fetched and refreshed; else the fixed token (config/load.ts requires one of them).
    const credentials = clientCredentials(settings);
    const token = credentials ? clientCredentialsTokens(credentials) : sasl.token;
    security.sasl = {
      mechanism: "OAUTHBEARER",
      token,
      ...(sasl.oauth_extensions ? { oauthBearerExtensions: sasl.oauth_extensions } : {}),
      authBytesValidator: typeof token === "function" ? rejectedFetchedToken : rejectedToken,
    };
  } else if (sasl) {
    security.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
  }
  return security;
}

/** The OIDC client credentials of an OAUTHBEARER config that fetches its tokens; undefined for any other. */
export function clientCredentials(settings: ConnectionSettings): ClientCredentials | undefined {
  const { sasl } = settings;
  if (sasl?.mechanism !== "OAUTHBEARER") return undefined;
  const {
    oauth_token_endpoint_url: tokenEndpoint,
    oauth_client_id: clientId,
    oauth_client_secret: clientSecret,
  } = sasl;
  if (tokenEndpoint === undefined || clientId === undefined || clientSecret === undefined) return undefined;
  return {
    tokenEndpoint,
    clientId,
    clientSecret,
    ...(sasl.oauth_scope !== undefined ? { scope: sasl.oauth_scope } : {}),
    timeoutMs: settings.connect_timeout_ms,
  };
}

/**
 * A broker that rejects an OAUTHBEARER token does not fail the SaslAuthenticate request: it
 * answers with an error JSON (RFC 7628 section 3.2.2) and waits. Treat that answer as the failure
 * it is, so that it is reported as such instead of the broker's later "invalid SASL state".
 */
const rejectedToken = tokenRejection("");

/**
 * A token the connector fetched may be refused for what was asked of the authorisation server
 * (client, secret, scope): say so after the broker's status.
 */
const rejectedFetchedToken = tokenRejection(
  ": check sasl.oauth_client_id, sasl.oauth_client_secret and sasl.oauth_scope, which decide the token's claims",
);

function tokenRejection(hint: string) {
  return (authBytes: Buffer, callback: (error: Error | null, authBytes?: Buffer) => void): void => {
    let status: unknown;
    try {
      status = authBytes.length > 0 ? JSON.parse(authBytes.toString("utf8")).status : undefined;
    } catch {
      status = undefined;
    }
    if (typeof status === "string")
      callback(new Error(`the broker rejected the OAUTHBEARER token (status ${status})${hint}`));
    else callback(null, authBytes);
  };
}
