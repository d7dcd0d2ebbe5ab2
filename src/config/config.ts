/**
 * The connector's configuration, declared once: it validates configs, generates the JSON Schema
 * that `spec` prints, and gives the TypeScript type.
 */
import * as v from "valibot";
import { parseBootstrapServers } from "./bootstrap.ts";
import { metricsAddressProblem } from "./metrics-address.ts";
import { patternProblem } from "./pattern.ts";

const secret = v.metadata<string, { readonly airbyte_secret: true; readonly secret: true }>({
  airbyte_secret: true,
  secret: true,
});

const BootstrapServers = v.pipe(
  v.string((issue) =>
    Array.isArray(issue.input)
      ? 'must be one string of comma-separated host:port such as "broker-1:9092,broker-2:9092", not a JSON list'
      : `must be string, got ${issue.input === null ? "null" : typeof issue.input}`,
  ),
  v.trim(),
  v.minLength(1, "must not be empty"),
  v.maxLength(4096, "is longer than 4096 characters"),
  v.check(
    (text) => !("problem" in parseBootstrapServers(text)),
    (issue) => {
      const parsed = parseBootstrapServers(String(issue.input));
      return "problem" in parsed ? parsed.problem : "must be a comma-separated list of host:port";
    },
  ),
  v.title("Bootstrap servers"),
  v.description(
    "Comma-separated host:port list of brokers to bootstrap from, e.g. broker-1:9092,broker-2:9092. Hosts are DNS names, IPv4 addresses or bracketed IPv6 addresses ([::1]:9092).",
  ),
);

const pem = (what: string) =>
  v.pipe(
    v.string(),
    v.maxLength(1 << 20, "is too long"),
    v.regex(/-----BEGIN [A-Z0-9 ]+-----/, `must be a PEM ${what}`),
  );

const text = (max: number) => v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(max, "is too long"));

const Sasl = v.object({
  mechanism: v.pipe(
    v.picklist(
      ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512", "OAUTHBEARER", "AWS_MSK_IAM"],
      "must be one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512, OAUTHBEARER, AWS_MSK_IAM",
    ),
    v.title("SASL mechanism"),
  ),
  // One flat object rather than a union per mechanism keeps the spec a plain form; which fields
  // each mechanism needs is checked in load.ts.
  username: v.optional(v.pipe(text(1024), v.title("Username"), v.description("PLAIN and SCRAM."))),
  password: v.optional(v.pipe(text(65536), v.title("Password"), v.description("PLAIN and SCRAM."), secret)),
  token: v.optional(
    v.pipe(
      text(65536),
      v.title("OAuth bearer token"),
      v.description(
        "OAUTHBEARER: a fixed token (a JWT), sent as is. Or leave it out and give oauth_token_endpoint_url.",
      ),
      secret,
    ),
  ),
  oauth_token_endpoint_url: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(2048, "is too long"),
      v.regex(/^https?:\/\/[^\s/@]+(\/[^\s]*)?$/, "must be an http:// or https:// URL without credentials"),
      v.title("OAuth token endpoint URL"),
      v.description(
        "OAUTHBEARER with OIDC client credentials: the authorisation server's token endpoint. The connector fetches tokens with the client-credentials grant and fetches a new one before each expires.",
      ),
    ),
  ),
  oauth_client_id: v.optional(v.pipe(text(1024), v.title("OAuth client id"))),
  oauth_client_secret: v.optional(v.pipe(text(65536), v.title("OAuth client secret"), secret)),
  oauth_scope: v.optional(
    v.pipe(
      text(4096),
      v.title("OAuth scope"),
      v.description("The scope to ask the token endpoint for, if it needs one."),
    ),
  ),
  oauth_extensions: v.optional(
    v.pipe(
      v.record(
        v.pipe(v.string(), v.regex(/^[A-Za-z]+$/, "must be a SASL extension name: letters only (RFC 7628)")),
        v.pipe(v.string(), v.regex(/^[\x21-\x7E \t\r\n]{0,1024}$/, "must be printable ASCII, at most 1024 characters")),
      ),
      v.title("SASL extensions"),
      v.description(
        "OAUTHBEARER: extra key=value pairs sent with the token, e.g. logicalCluster and identityPoolId for Confluent Cloud.",
      ),
    ),
  ),
  aws_region: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[a-z]{2}(-[a-z]+)+-\d+$/, "must be an AWS region such as us-east-1"),
      v.title("AWS region"),
      v.description("AWS_MSK_IAM: the cluster's region."),
    ),
  ),
  aws_access_key_id: v.optional(
    v.pipe(
      text(128),
      v.title("AWS access key id"),
      v.description(
        "AWS_MSK_IAM: explicit credentials, with aws_secret_access_key. Without them: AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, else the profile in ~/.aws/credentials.",
      ),
    ),
  ),
  aws_secret_access_key: v.optional(v.pipe(text(1024), v.title("AWS secret access key"), secret)),
  aws_session_token: v.optional(v.pipe(text(8192), v.title("AWS session token"), secret)),
  aws_profile: v.optional(
    v.pipe(
      text(128),
      v.title("AWS profile"),
      v.description(
        "AWS_MSK_IAM: the ~/.aws/credentials profile used when no keys are given. Default: $AWS_PROFILE, else default.",
      ),
    ),
  ),
});

const Tls = v.object({
  ca: v.optional(
    v.pipe(
      v.string(),
      v.maxLength(1 << 20, "is too long"),
      v.title("CA certificate (PEM)"),
      v.description("Trust this CA instead of the system's. Leave empty to use the system CAs."),
    ),
  ),
  client_certificate: v.optional(
    v.pipe(
      pem("certificate"),
      v.title("Client certificate (PEM)"),
      v.description("For mutual TLS: the certificate the connector presents, with client_key."),
    ),
  ),
  client_key: v.optional(
    v.pipe(
      pem("private key"),
      v.title("Client key (PEM)"),
      v.description("The unencrypted private key of client_certificate."),
      secret,
    ),
  ),
  insecure_skip_verify: v.optional(
    v.pipe(
      v.boolean(),
      v.title("Skip certificate verification"),
      v.description("Accept any server certificate. Only for testing."),
    ),
    false,
  ),
});

const MessageFormat = v.picklist(
  ["auto", "json", "text", "bytes", "schema_registry"],
  "must be one of auto, json, text, bytes, schema_registry",
);

const formatDescription =
  "auto: the schema registry's wire format (magic byte 0) when a registry is configured, else JSON if the bytes parse as JSON, " +
  "else UTF-8 text if valid, else base64. schema_registry: only the registry's wire format.";

const SchemaRegistry = v.object({
  url: v.pipe(
    v.string(),
    v.trim(),
    v.maxLength(2048, "is too long"),
    v.regex(
      /^https?:\/\/[^\s/@]+(\/[^\s]*)?$/,
      "must be an http:// or https:// URL without credentials, e.g. http://registry:8081",
    ),
    v.title("URL"),
  ),
  username: v.optional(
    v.pipe(v.string(), v.minLength(1, "must not be empty"), v.maxLength(1024, "is too long"), v.title("Username")),
  ),
  password: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "must not be empty"),
      v.maxLength(65536, "is too long"),
      v.title("Password"),
      secret,
    ),
  ),
});

/** How values are read: as they are, or as Debezium change events (src/decode/debezium.ts). Also per stream in the catalog. */
export const ValueEnvelope = v.picklist(["none", "debezium"], "must be one of none, debezium");

const Offset = v.pipe(v.number(), v.integer("must be an integer"), v.minValue(0, "must not be negative"));

export const ConfigSchema = v.object({
  bootstrap_servers: BootstrapServers,
  client_id: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[\w.-]{1,200}$/, "must be 1-200 letters, digits, '.', '_' or '-'"),
      v.title("Client id"),
    ),
    "source-kafka",
  ),
  client_rack: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[\x21-\x7E]{1,255}$/, "must be 1-255 printable ASCII characters without spaces, e.g. us-east-1a"),
      v.title("Client rack"),
      v.description(
        "The rack (availability zone) the connector runs in, as the brokers' broker.rack names it. Fetches then name it, and " +
          "a cluster with a rack-aware replica.selector.class serves each partition from a replica in that rack (KIP-392), " +
          "saving cross-zone traffic. Without it, or where no replica is in that rack, partitions are read from their leaders.",
      ),
    ),
  ),
  tls: v.optional(v.pipe(Tls, v.title("TLS"), v.description("Encrypt connections. Absent means plaintext."))),
  sasl: v.optional(v.pipe(Sasl, v.title("SASL authentication"))),
  start_position: v.optional(
    v.pipe(
      v.picklist(["earliest", "latest", "timestamp"], "must be one of earliest, latest, timestamp"),
      v.title("Start position"),
      v.description(
        "Where a partition without state starts: its first offset, its end, or the first offset at or after start_timestamp.",
      ),
    ),
    "earliest",
  ),
  start_timestamp: v.optional(
    v.pipe(
      v.string(),
      v.isoTimestamp("must be an RFC 3339 timestamp such as 2024-01-31T12:00:00Z"),
      v.title("Start timestamp"),
      v.description("With start_position 'timestamp': read from the first message at or after this time."),
    ),
  ),
  on_offset_out_of_range: v.optional(
    v.pipe(
      v.picklist(["fail", "earliest"], "must be one of fail, earliest"),
      v.title("When the saved offset is gone"),
      v.description(
        "If retention removed the data a saved offset points at: fail (default) or restart at the earliest offset still kept.",
      ),
    ),
    "fail",
  ),
  key_format: v.optional(v.pipe(MessageFormat, v.title("Key format"), v.description(formatDescription)), "auto"),
  value_format: v.optional(v.pipe(MessageFormat, v.title("Value format"), v.description(formatDescription)), "auto"),
  schema_registry: v.optional(
    v.pipe(
      SchemaRegistry,
      v.title("Schema registry"),
      v.description(
        "A Confluent-compatible schema registry: Avro, Protobuf and JSON Schema messages in its wire format decode to JSON.",
      ),
    ),
  ),
  on_decode_error: v.optional(
    v.pipe(
      v.picklist(["fail", "emit_raw"], "must be one of fail, emit_raw"),
      v.title("When a message cannot be decoded"),
      v.description(
        "fail (default) names topic, partition and offset; emit_raw emits the bytes as base64 with the error in _meta.",
      ),
    ),
    "fail",
  ),
  nul_characters: v.optional(
    v.pipe(
      v.picklist(["keep", "strip", "replace"], "must be one of keep, strip, replace"),
      v.title("NUL characters"),
      v.description(
        "What becomes of U+0000 in strings and names: keep (default), strip (as Airbyte's PostgreSQL destination does), or " +
          "replace with U+FFFD. PostgreSQL's text columns cannot hold it: set strip or replace for PyAirbyte's Postgres cache.",
      ),
    ),
    "keep",
  ),
  big_numbers: v.optional(
    v.pipe(
      v.picklist(["keep", "string"], "must be one of keep, string"),
      v.title("Big numbers"),
      v.description(
        "keep (default) writes every number as produced; string writes as strings the numbers PyAirbyte's caches cannot hold as " +
          "numbers: integers below -2^63 or from 2^64 on, and numbers of 10^29 or more. Set string for PyAirbyte's Postgres cache.",
      ),
    ),
    "keep",
  ),
  value_envelope: v.optional(
    v.pipe(
      ValueEnvelope,
      v.title("Value envelope"),
      v.description(
        "debezium: values are Debezium change events and each becomes its row (after, or before for a delete), keyed by the " +
          "message key's columns, with Airbyte's CDC columns; tombstones are skipped. A configured stream's value_envelope overrides it.",
      ),
    ),
    "none",
  ),
  topics: v.optional(
    v.pipe(
      v.array(
        v.pipe(
          v.string(),
          v.regex(/^[a-zA-Z0-9._-]{1,249}$/, "must be a topic name: 1-249 letters, digits, '.', '_' or '-'"),
        ),
      ),
      v.minLength(1, "must list at least one topic; leave it out to select every topic"),
      v.maxLength(100_000, "must list at most 100000 topics"),
      v.title("Topics"),
      v.description(
        "The topics this source covers, with those topic_pattern matches. Without topics and topic_pattern: every topic.",
      ),
    ),
  ),
  topic_pattern: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "must not be empty"),
      v.maxLength(1000, "is longer than 1000 characters"),
      v.check(
        (pattern) => patternProblem(pattern) === undefined,
        (issue) => patternProblem(issue.input as string) ?? "",
      ),
      v.title("Topic pattern"),
      v.description(
        "A regular expression (JavaScript syntax, without lookarounds or backreferences) that must match a whole topic name, e.g. orders-.* (anchored: orders does not match orders-dlq).",
      ),
    ),
  ),
  topic_exclude_pattern: v.optional(
    v.pipe(
      v.string(),
      v.minLength(1, "must not be empty"),
      v.maxLength(1000, "is longer than 1000 characters"),
      v.check(
        (pattern) => patternProblem(pattern) === undefined,
        (issue) => patternProblem(issue.input as string) ?? "",
      ),
      v.title("Topic exclude pattern"),
      v.description(
        "A regular expression matching whole topic names to leave out, even when topics lists them, e.g. .*-dlq.",
      ),
    ),
  ),
  include_internal_topics: v.optional(
    v.pipe(
      v.boolean(),
      v.title("Include internal topics"),
      v.description("Cover internal topics (names starting with __), which are left out otherwise."),
    ),
    false,
  ),
  workers: v.optional(
    v.pipe(
      v.number(),
      v.integer("must be an integer"),
      v.minValue(1, "must be at least 1"),
      v.maxValue(64, "must be at most 64"),
      v.title("Worker threads"),
      v.description("Threads that fetch and decode in parallel. Default: cores, at most one per partition."),
    ),
  ),
  checkpoint_records: v.optional(
    v.pipe(
      Offset,
      v.minValue(1, "must be at least 1"),
      v.maxValue(10_000_000, "must be at most 10000000"),
      v.title("Checkpoint every N records"),
    ),
    20000,
  ),
  checkpoint_interval_ms: v.optional(
    v.pipe(
      Offset,
      v.minValue(10, "must be at least 10"),
      v.maxValue(3_600_000, "must be at most 3600000"),
      v.title("Checkpoint interval (ms)"),
    ),
    1000,
  ),
  metadata_refresh_ms: v.optional(
    v.pipe(
      Offset,
      v.minValue(100, "must be at least 100"),
      v.maxValue(3_600_000, "must be at most 3600000"),
      v.title("Metadata refresh (ms)"),
      v.description("While tailing, how often to look for new partitions of the catalog's topics."),
    ),
    10000,
  ),
  connect_timeout_ms: v.optional(
    v.pipe(
      Offset,
      v.minValue(100, "must be at least 100"),
      v.maxValue(600_000, "must be at most 600000"),
      v.title("Connect timeout (ms)"),
    ),
    10000,
  ),
  retry_budget_ms: v.optional(
    v.pipe(
      Offset,
      v.minValue(1000, "must be at least 1000"),
      v.maxValue(3_600_000, "must be at most 3600000"),
      v.title("Retry budget (ms)"),
      v.description(
        "How long the cluster may be unreachable when a read starts, or a partition go unserved during it (a broker restarting, " +
          "leadership moving, the cluster unreachable), while the connector retries with backoff and follows new leaders, before the read " +
          "fails with a transient error.",
      ),
    ),
    60000,
  ),
  metrics_address: v.optional(
    v.pipe(
      v.string(),
      v.check(
        (text) => metricsAddressProblem(text) === undefined,
        (issue) => metricsAddressProblem(String(issue.input)) ?? "must be HOST:PORT",
      ),
      v.title("Metrics address"),
      v.description(
        "read serves Prometheus metrics (/metrics) and Kubernetes probes (/healthz, /readyz) on this HOST:PORT while it runs, " +
          "e.g. :9464 (every interface) or 127.0.0.1:9464. The --metrics flag, then the SOURCE_KAFKA_METRICS environment variable, " +
          "take precedence over it. Absent: no server.",
      ),
    ),
  ),
});

export type Config = v.InferOutput<typeof ConfigSchema>;
