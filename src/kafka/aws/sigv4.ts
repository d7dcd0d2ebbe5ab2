/**
 * AWS Signature Version 4 for presigned URLs (the signature travels in the query string), with
 * node:crypto only. The steps and names follow AWS's "Create a signed AWS API request" guide.
 *
 * @example
 * presignUrl({ host: "kafka.us-east-1.amazonaws.com", path: "/", query: { Action: "kafka-cluster:Connect" },
 *   service: "kafka-cluster", region: "us-east-1", credentials, date: new Date(), expiresSeconds: 900 })
 */
import { createHash, createHmac } from "node:crypto";

export type AwsCredentials = { accessKeyId: string; secretAccessKey: string; sessionToken?: string };

export type PresignRequest = {
  host: string;
  path: string;
  query: Record<string, string>;
  service: string;
  region: string;
  credentials: AwsCredentials;
  date: Date;
  expiresSeconds: number;
  /** Hex SHA-256 of the body; S3 alone uses "UNSIGNED-PAYLOAD". Default: the empty body's hash. */
  payloadHash?: string;
};

const algorithm = "AWS4-HMAC-SHA256";
const emptyBodyHash = createHash("sha256").update("").digest("hex");

/** Signs a GET of https://host/path?query and returns the presigned URL (https). */
export function presignUrl(request: PresignRequest): string {
  const amzDate = request.date
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, ""); // YYYYMMDDTHHMMSSZ
  const day = amzDate.slice(0, 8);
  const scope = `${day}/${request.region}/${request.service}/aws4_request`;
  const query: Record<string, string> = {
    ...request.query,
    "X-Amz-Algorithm": algorithm,
    "X-Amz-Credential": `${request.credentials.accessKeyId}/${scope}`,
    "X-Amz-Date": amzDate,
    "X-Amz-Expires": String(request.expiresSeconds),
    "X-Amz-SignedHeaders": "host",
    ...(request.credentials.sessionToken ? { "X-Amz-Security-Token": request.credentials.sessionToken } : {}),
  };
  const canonicalQuery = Object.entries(query)
    .map(([key, value]) => [uriEncode(key), uriEncode(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join("&");
  const canonicalPath = request.path.split("/").map(uriEncode).join("/");
  const canonicalRequest = [
    "GET",
    canonicalPath,
    canonicalQuery,
    `host:${request.host}\n`,
    "host",
    request.payloadHash ?? emptyBodyHash,
  ].join("\n");
  const stringToSign = [algorithm, amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signature = createHmac(
    "sha256",
    signingKey(request.credentials.secretAccessKey, day, request.region, request.service),
  )
    .update(stringToSign)
    .digest("hex");
  return `https://${request.host}${canonicalPath}?${canonicalQuery}&X-Amz-Signature=${signature}`;
}

/** The key derived from the secret for one day, region and service. */
export function signingKey(secretAccessKey: string, day: string, region: string, service: string): Buffer {
  const hmac = (key: string | Buffer, data: string) => createHmac("sha256", key).update(data).digest();
  return hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), service), "aws4_request");
}

const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - _ . ~ is percent-encoded, as SigV4 requires. */
function uriEncode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
