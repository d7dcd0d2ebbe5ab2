/**
 * The connection's security settings (TLS, SASL) in the client library's terms. Secrets pass
 * through here to the library and nowhere else.
 */
import type { ConnectionSettings } from "./client.ts";
import { resolveAwsCredentials } from "./aws/credentials.ts";
import { mskIamToken } from "./aws/msk-iam.ts";

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
    const region = sasl.aws_region!;
    // Resolved now, so that missing credentials fail before any connection; again for each
    // token, so that a refreshed credentials file or session is picked up.
    resolveAwsCredentials(sasl);
    security.sasl = {
      mechanism: "OAUTHBEARER",
      token: () => mskIamToken({ region, credentials: resolveAwsCredentials(sasl) }),
    };
  } else if (sasl?.mechanism === "OAUTHBEARER") {
    security.sasl = { mechanism: "OAUTHBEARER", token: sasl.token };
  } else if (sasl) {
    security.sasl = { mechanism: sasl.mechanism, username: sasl.username, password: sasl.password };
  }
  return security;
}
