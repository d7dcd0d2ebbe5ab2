// The harness broker's security: a private CA and certificates (made once with openssl and
// kept in .cache/kafka/tls/), SASL users with fresh passwords each start, the secured
// listeners' broker settings, and the ACLs of the authorisation tests.
import { spawnSync } from "node:child_process";
import { pbkdf2Sync, randomBytes, randomInt } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  AclOperations,
  AclPermissionTypes,
  Admin,
  Connection,
  ResourcePatternTypes,
  ResourceTypes,
  alterUserScramCredentialsV0,
  type AclOperationValue,
} from "@platformatic/kafka";

export type Mechanism = "PLAIN" | "SCRAM-SHA-256" | "SCRAM-SHA-512" | "OAUTHBEARER";

/** PEM files; every path is absolute. */
export interface TlsFiles {
  /** The CA that signed the server and client certificates. */
  ca: string;
  /** A CA that signed nothing: trusting only it must fail verification. */
  otherCa: string;
  serverCert: string;
  serverKey: string;
  /** Client certificate and key for the mTLS listener (CN=source-kafka-client). */
  clientCert: string;
  clientKey: string;
}

/**
 * SASL users (name → password). `admin` is a super user; `alice` has no ACLs, so she may do
 * anything except on topics that have ACLs (allow.everyone.if.no.acl.found); `reader` may only
 * Describe and Read topics starting with ACL_TOPIC_PREFIX and `describer` only Describe them.
 */
export type Users = Record<"admin" | "alice" | "reader" | "describer", string>;

export const ACL_TOPIC_PREFIX = "acl-";

const CERT_DAYS = "3650";

export function newUsers(): Users {
  const password = () => randomBytes(12).toString("hex");
  return { admin: password(), alice: password(), reader: password(), describer: password() };
}

/** `kafka-storage format` arguments that create every user for both SCRAM mechanisms before first start. */
export function scramFormatArgs(users: Users): string[] {
  return Object.entries(users).flatMap(([name, password]) =>
    ["SCRAM-SHA-256", "SCRAM-SHA-512"].flatMap((m) => ["--add-scram", `${m}=[name=${name},password=${password}]`]),
  );
}

/**
 * Creates every user for both SCRAM mechanisms through a running broker (AlterUserScramCredentials,
 * Kafka 2.7+), for ZooKeeper mode, which has no `kafka-storage format`: one request instead of a
 * `kafka-configs --zookeeper` JVM per user. The client sends what the broker stores — salt,
 * iterations and the salted password (RFC 5802's Hi()) — never the password itself.
 */
export async function createScramUsers(bootstrap: string, users: Users): Promise<void> {
  const iterations = 4096;
  const mechanisms = [
    { id: 1, hash: "sha256", length: 32 },
    { id: 2, hash: "sha512", length: 64 },
  ];
  const upsertions = Object.entries(users).flatMap(([name, password]) =>
    mechanisms.map((m) => {
      const salt = randomBytes(16);
      return {
        name,
        mechanism: m.id,
        iterations,
        salt,
        saltedPassword: pbkdf2Sync(password, salt, iterations, m.length, m.hash),
      };
    }),
  );
  const [host, port] = bootstrap.split(":") as [string, string];
  const connection = new Connection("kafka-harness");
  try {
    await connection.connect(host, Number(port));
    const response = await alterUserScramCredentialsV0.api.async(connection, [], upsertions);
    const failed = response.results.find((r) => r.errorCode !== 0);
    if (failed)
      throw new Error(
        `creating SCRAM user ${failed.user} failed: ${failed.errorMessage ?? `error ${failed.errorCode}`}`,
      );
  } finally {
    await connection.close();
  }
}

/** The CA and certificates, generated on first use; later starts reuse them (openssl is fast, but not free). */
export function ensureTls(dir: string): TlsFiles {
  const files: TlsFiles = {
    ca: join(dir, "ca.pem"),
    otherCa: join(dir, "other-ca.pem"),
    serverCert: join(dir, "server.pem"),
    serverKey: join(dir, "server.key"),
    clientCert: join(dir, "client.pem"),
    clientKey: join(dir, "client.key"),
  };
  if (Object.values(files).every((f) => existsSync(f))) return files;

  // Built in a scratch directory and renamed into place, so an interrupted run leaves no half set.
  const work = `${dir}.tmp-${process.pid}`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const at = (name: string) => join(work, name);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes"];
  const caExt = ["-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"];
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    at("ca.key"),
    "-out",
    at("ca.pem"),
    "-days",
    CERT_DAYS,
    "-subj",
    "/CN=source-kafka harness CA",
    ...caExt,
  ]);
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    at("other-ca.key"),
    "-out",
    at("other-ca.pem"),
    "-days",
    CERT_DAYS,
    "-subj",
    "/CN=source-kafka untrusted CA",
    ...caExt,
  ]);
  const sign = (name: string, subject: string, extensions: string) => {
    openssl(["req", "-new", ...ec, "-keyout", at(`${name}.key`), "-out", at(`${name}.csr`), "-subj", subject]);
    writeFileSync(at(`${name}.ext`), extensions);
    openssl([
      "x509",
      "-req",
      "-in",
      at(`${name}.csr`),
      "-CA",
      at("ca.pem"),
      "-CAkey",
      at("ca.key"),
      "-set_serial",
      String(randomInt(1, 2 ** 47)),
      "-days",
      CERT_DAYS,
      "-extfile",
      at(`${name}.ext`),
      "-out",
      at(`${name}.pem`),
    ]);
  };
  // Clients connect to 127.0.0.1, so the server certificate names that IP (and localhost).
  sign(
    "server",
    "/CN=localhost",
    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\n",
  );
  sign("client", "/CN=source-kafka-client", "basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n");

  rmSync(dir, { recursive: true, force: true });
  renameSync(work, dir);
  return files;
}

/** Kafka's PEM key store is one file: the private key followed by the certificate chain. */
export function serverKeyStore(tls: TlsFiles, path: string): string {
  writeFileSync(path, readFileSync(tls.serverKey, "utf8") + readFileSync(tls.serverCert, "utf8"));
  return path;
}

/**
 * The same key store with the key encrypted under `password`: Kafka before 3.x refuses a PEM
 * key store without `ssl.key.password`. PBE-SHA1-3DES because Java reads that PKCS#8 scheme
 * (it has no SecretKeyFactory for openssl's default, PBES2).
 */
export function encryptedServerKeyStore(tls: TlsFiles, path: string, password: string): string {
  const key = spawnSync(
    "openssl",
    ["pkcs8", "-topk8", "-v1", "PBE-SHA1-3DES", "-in", tls.serverKey, "-passout", `pass:${password}`],
    { encoding: "utf8" },
  );
  if (key.status !== 0) throw new Error(`openssl pkcs8 failed: ${(key.stderr || key.stdout).trim()}`);
  writeFileSync(path, key.stdout + readFileSync(tls.serverCert, "utf8"));
  return path;
}

export interface SecuredListener {
  name: string;
  security: "SASL_PLAINTEXT" | "SSL" | "SASL_SSL";
  mechanisms?: Mechanism[];
  clientAuth?: "required";
}

/** server.properties lines for TLS, SASL and authorisation on the given listeners. */
export function securityProperties(
  listeners: SecuredListener[],
  users: Users,
  tls: TlsFiles,
  keyStore: { path: string; password?: string },
  mode: "kraft" | "zookeeper",
): string[] {
  const lines = [
    // ZooKeeper mode keeps ACLs in ZooKeeper, with its own authorizer.
    `authorizer.class.name=${mode === "kraft" ? "org.apache.kafka.metadata.authorizer.StandardAuthorizer" : "kafka.security.authorizer.AclAuthorizer"}`,
    // PLAINTEXT clients, the controller listener and TLS clients without a certificate are all
    // User:ANONYMOUS: as a super user they keep working exactly as before authorisation existed.
    "super.users=User:ANONYMOUS;User:admin",
    "allow.everyone.if.no.acl.found=true",
    "ssl.keystore.type=PEM",
    `ssl.keystore.location=${keyStore.path}`,
    ...(keyStore.password ? [`ssl.key.password=${keyStore.password}`] : []),
    "ssl.truststore.type=PEM",
    `ssl.truststore.location=${tls.ca}`,
  ];
  const plainUsers = Object.entries(users)
    .map(([name, password]) => `user_${name}="${password}"`)
    .join(" ");
  for (const l of listeners) {
    const prefix = `listener.name.${l.name.toLowerCase()}`;
    if (l.clientAuth) lines.push(`${prefix}.ssl.client.auth=${l.clientAuth}`);
    if (!l.mechanisms) continue;
    lines.push(`${prefix}.sasl.enabled.mechanisms=${l.mechanisms.join(",")}`);
    for (const m of l.mechanisms) {
      const key = `${prefix}.${m.toLowerCase()}`;
      if (m === "PLAIN")
        lines.push(
          `${key}.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required ${plainUsers};`,
        );
      if (m.startsWith("SCRAM"))
        lines.push(`${key}.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;`);
      if (m === "OAUTHBEARER") {
        // Unsecured tokens ("alg":"none"): the broker checks the claims (sub, exp), no signature.
        lines.push(
          `${key}.sasl.jaas.config=org.apache.kafka.common.security.oauthbearer.OAuthBearerLoginModule required unsecuredLoginStringClaim_sub="broker";`,
          `${key}.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.internals.unsecured.OAuthBearerUnsecuredValidatorCallbackHandler`,
        );
      }
    }
  }
  return lines;
}

/** The authorisation tests' ACLs, created through the PLAINTEXT listener (whose principal is a super user). */
export async function grantAcls(bootstrap: string): Promise<void> {
  const admin = new Admin({ clientId: "kafka-harness", bootstrapBrokers: [bootstrap] });
  const allow = (user: string, operation: AclOperationValue) => ({
    resourceType: ResourceTypes.TOPIC,
    resourceName: ACL_TOPIC_PREFIX,
    resourcePatternType: ResourcePatternTypes.PREFIXED,
    principal: `User:${user}`,
    host: "*",
    operation,
    permissionType: AclPermissionTypes.ALLOW,
  });
  const { DESCRIBE, READ } = AclOperations;
  try {
    await admin.createAcls({
      creations: [allow("reader", DESCRIBE), allow("reader", READ), allow("describer", DESCRIBE)],
    });
  } finally {
    await admin.close();
  }
}

function openssl(args: string[]): void {
  const r = spawnSync("openssl", args, { encoding: "utf8" });
  if (r.error) throw new Error("openssl is required to make the harness's TLS certificates (apt-get install openssl)");
  if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${(r.stderr || r.stdout).trim()}`);
}
