/**
 * What went wrong, in the user's words: the client library's errors (nested, aggregated, with
 * Node's socket errors inside) → one of ours, naming the step that failed (DNS, TCP, TLS, SASL,
 * authorisation), the broker and what was being done, with the failure type it implies.
 *
 *   classify(error, "list topics")
 *   // ConfigError("SASL step: Kafka refused the credentials at broker b:9092 during list topics (…)")
 */
import { AuthenticationError, NetworkError, TimeoutError } from "@platformatic/kafka";
import { ConfigError, TransientError, oneLine } from "../errors.ts";

/** Everything the library's (possibly nested) errors say, flattened to one line. */
export function describe(error: unknown): string {
  const parts: string[] = [];
  const visit = (e: unknown, depth: number) => {
    if (depth > 8 || !e) return;
    if (e instanceof Error) {
      parts.push(e.message);
      for (const inner of (e as AggregateError).errors ?? []) visit(inner, depth + 1);
      visit((e as { cause?: unknown }).cause, depth + 1);
    } else parts.push(String(e));
  };
  visit(error, 0);
  return oneLine([...new Set(parts.map((part) => part.replace(/\.$/, "")))].join(": "));
}

/** The OIDC token provider's error (kafka/oauth/) somewhere among the library's causes, if it is one. */
function tokenEndpointFailure(error: unknown, depth: number): Error | undefined {
  if (!(error instanceof Error) || depth > 8) return undefined;
  if ((error instanceof ConfigError || error instanceof TransientError) && error.message.startsWith("OAuth step:"))
    return error;
  const inner = [error.cause, ...(((error as { errors?: unknown }).errors as unknown[] | undefined) ?? [])];
  for (const cause of inner) {
    const found = tokenEndpointFailure(cause, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The step of connecting and being served at which a request failed. */
export type FailedStep = "DNS" | "TCP" | "TLS" | "SASL" | "authorisation";

/**
 * Which step an error (flattened to text by `describe`) comes from, judged by what Node and the
 * library say: checked from the last step back, since a later step's error can quote earlier ones.
 */
export function failedStep(text: string): FailedStep | undefined {
  if (/AUTHORIZATION_FAILED|not authorized|authori[sz]ation failed/i.test(text)) return "authorisation";
  if (/\bSASL\b|authenticat/i.test(text)) return "SASL";
  if (/certificate|CERT_|self[- ]signed|\bTLS\b|\bSSL\b|handshake|wrong version number/i.test(text)) return "TLS";
  if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|getaddrinfo/i.test(text)) return "DNS";
  if (/ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed? ?out|closed|Cannot connect/i.test(text))
    return "TCP";
  return undefined;
}

const clientCertificateRefused =
  "the broker did not accept the client certificate (a listener with ssl.client.auth=required needs tls.client_certificate and tls.client_key, signed by a CA it trusts)";

const stepProblem: Record<FailedStep, string> = {
  DNS: "cannot resolve the broker's host name",
  TCP: "Kafka is unreachable",
  TLS: "the TLS connection failed",
  SASL: "Kafka refused the credentials",
  authorisation: "Kafka denied permission",
};

/**
 * The library's error → ours, as "<step> step: <problem> at broker <host:port> during <what>:
 * <what the library said>". Bad credentials, an untrusted or missing certificate and missing
 * permissions are the user's to fix (config_error); DNS and TCP failures may pass (transient).
 */
export function classify(error: unknown, what: string, tlsAlert?: string): Error {
  if (error instanceof ConfigError || error instanceof TransientError) return error;
  // The token endpoint failed, not Kafka: its own error says which step and field.
  const oauth = tokenEndpointFailure(error, 0);
  if (oauth) return oauth;
  const said = describe(error);
  const text =
    tlsAlert && /Connection closed/i.test(said) ? `${said}; the broker sent the TLS alert ${tlsAlert}` : said;
  const step =
    error instanceof AuthenticationError
      ? "SASL"
      : (failedStep(text) ?? (error instanceof NetworkError || error instanceof TimeoutError ? "TCP" : undefined));
  if (step === undefined) return new TransientError(`cannot ${what}: ${text}`);
  const broker = /Connection to (\S+?) failed/.exec(text)?.[1] ?? /getaddrinfo \w+ (\S+)/.exec(text)?.[1];
  const problem =
    step === "TLS" && /BAD_CERTIFICATE|CERTIFICATE_REQUIRED/i.test(text) ? clientCertificateRefused : stepProblem[step];
  const message = `${step} step: ${problem}${broker ? ` at broker ${broker}` : ""} during ${what} (${text})`;
  return step === "DNS" || step === "TCP" ? new TransientError(message) : new ConfigError(message);
}
