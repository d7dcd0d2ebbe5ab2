/**
 * OAUTHBEARER tokens from an OIDC provider with the client-credentials grant (RFC 6749 section
 * 4.4). A token is fetched when first needed and again before it expires, so that the broker's
 * re-authentication of a long-lived connection (KIP-368) always gets a valid one. The client
 * secret goes to the token endpoint and nowhere else: errors name the endpoint and the field to
 * check, never the secret or the token.
 */
import { ConfigError, TransientError } from "../../errors.ts";

export type ClientCredentials = {
  tokenEndpoint: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  timeoutMs: number;
};

/** A token's remaining life at which the next is fetched: a fifth of its life, at most a minute. */
export function refreshAfterMs(lifetimeMs: number): number {
  return lifetimeMs - Math.min(60_000, lifetimeMs / 5);
}

/**
 * A token provider for the client library: the cached token while it is fresh, else a new one.
 *
 * @example
 * const token = clientCredentialsTokens({ tokenEndpoint: "https://idp/token", clientId: "c", clientSecret: "s", timeoutMs: 10000 });
 * await token(); // "eyJ..."
 */
export function clientCredentialsTokens(
  credentials: ClientCredentials,
  now: () => number = Date.now,
): () => Promise<string> {
  let cached: { token: string; refreshAt: number } | undefined;
  let pending: Promise<string> | undefined;
  return () => {
    if (cached && now() < cached.refreshAt) return Promise.resolve(cached.token);
    // Connections authenticating at once share one request.
    pending ??= fetchToken(credentials)
      .then(({ token, lifetimeMs }) => {
        cached = { token, refreshAt: now() + refreshAfterMs(lifetimeMs) };
        return token;
      })
      .finally(() => {
        pending = undefined;
      });
    return pending;
  };
}

/** Without `expires_in` (it is only RECOMMENDED), the token's own `exp` claim, else five minutes. */
const defaultLifetimeMs = 300_000;

/**
 * One token from the endpoint, and how long it lives; `check` asks for one to prove the endpoint
 * and the client's credentials.
 */
export async function fetchToken(credentials: ClientCredentials): Promise<{ token: string; lifetimeMs: number }> {
  const where = `the token endpoint ${credentials.tokenEndpoint}`;
  const body = new URLSearchParams({ grant_type: "client_credentials" });
  if (credentials.scope !== undefined) body.set("scope", credentials.scope);
  // client_secret_basic, which every authorisation server must support (RFC 6749 section 2.3.1).
  const basic = Buffer.from(
    `${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`,
  ).toString("base64");
  let response: Response;
  try {
    response = await fetch(credentials.tokenEndpoint, {
      method: "POST",
      headers: {
        authorization: `Basic ${basic}`,
        "content-type": "application/x-www-form-urlencoded",
        accept: "application/json",
      },
      body,
      signal: AbortSignal.timeout(credentials.timeoutMs),
      redirect: "error",
    });
  } catch (error) {
    throw new TransientError(`OAuth step: cannot reach ${where}: ${(error as Error).message}`);
  }
  // RFC 6749 section 5.1 and 5.2: a JSON object, with access_token and expires_in, or error.
  const answer = (await response.json().catch(() => undefined)) as
    | { error?: unknown; access_token?: unknown; expires_in?: unknown }
    | undefined;
  const code = typeof answer?.error === "string" ? answer.error.slice(0, 60).replace(/[^\w.-]/g, "?") : undefined;
  if (response.status === 401 || code === "invalid_client" || code === "unauthorized_client") {
    throw new ConfigError(
      `OAuth step: ${where} refused the client credentials (HTTP ${response.status}${code ? ` ${code}` : ""}): check sasl.oauth_client_id and sasl.oauth_client_secret`,
    );
  }
  if (code === "invalid_scope") throw new ConfigError(`OAuth step: ${where} refused sasl.oauth_scope (invalid_scope)`);
  if (!response.ok) {
    const error = `OAuth step: ${where} answered HTTP ${response.status}${code ? ` ${code}` : ""}`;
    throw response.status >= 500 ? new TransientError(error) : new ConfigError(error);
  }
  const token = answer?.access_token;
  if (typeof token !== "string" || token === "")
    throw new ConfigError(`OAuth step: ${where} answered without an access_token`);
  const expiresIn = answer?.expires_in;
  const lifetimeMs =
    typeof expiresIn === "number" && expiresIn > 0 ? expiresIn * 1000 : (expiryOf(token) ?? defaultLifetimeMs);
  return { token, lifetimeMs };
}

/** Milliseconds left before a JWT's `exp`, if it is a JWT with one. */
function expiryOf(token: string): number | undefined {
  try {
    const claims = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8"));
    return typeof claims.exp === "number" ? Math.max(0, claims.exp * 1000 - Date.now()) : undefined;
  } catch {
    return undefined;
  }
}
