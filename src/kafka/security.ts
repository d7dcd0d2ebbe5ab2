/**
 * The connection's security settings (TLS, SASL) in the client library's terms. Secrets pass
 * through here to the library and nowhere else.
 */
import type { ConnectionSettings } from "./client.ts";

export function connectionSecurity(settings: ConnectionSettings): object {
  const security: Record<string, unknown> = {};
  if (settings.tls) {
    security.tls = {
      ...(settings.tls.ca ? { ca: settings.tls.ca } : {}),
      rejectUnauthorized: !settings.tls.insecure_skip_verify,
    };
  }
  if (settings.sasl) {
    security.sasl = {
      mechanism: settings.sasl.mechanism,
      username: settings.sasl.username,
      password: settings.sasl.password,
    };
  }
  return security;
}
