/**
 * The AWS MSK IAM auth token, sent to MSK through SASL/OAUTHBEARER. Its format is the one AWS's
 * aws-msk-iam-sasl-signer libraries (Go, Java, JS, Python) produce: a SigV4-presigned
 * `https://kafka.<region>.amazonaws.com/?Action=kafka-cluster:Connect` URL, valid 900 s, with a
 * User-Agent parameter added after signing, base64url-encoded without padding.
 *
 * @example
 * const token = mskIamToken({ region: "eu-west-1", credentials: { accessKeyId, secretAccessKey } });
 */
import { version } from "../../version.ts";
import { presignUrl, type AwsCredentials } from "./sigv4.ts";

const mskTokenExpirySeconds = 900;

export function mskIamToken(options: { region: string; credentials: AwsCredentials; date?: Date }): string {
  const url = presignUrl({
    host: `kafka.${options.region}.amazonaws.com`,
    path: "/",
    query: { Action: "kafka-cluster:Connect" },
    service: "kafka-cluster",
    region: options.region,
    credentials: options.credentials,
    date: options.date ?? new Date(),
    expiresSeconds: mskTokenExpirySeconds,
  });
  return Buffer.from(`${url}&User-Agent=${encodeURIComponent(`source-kafka/${version}`)}`).toString("base64url");
}
