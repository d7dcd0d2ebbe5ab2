/** The AWS MSK IAM signer and credential chain, checked without AWS or a broker. */
import { describe, expect, test } from "bun:test";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { resolveAwsCredentials } from "../../src/kafka/aws/credentials.ts";
import { mskIamToken } from "../../src/kafka/aws/msk-iam.ts";
import { presignUrl, signingKey } from "../../src/kafka/aws/sigv4.ts";

describe("SigV4", () => {
  test("derives AWS's documented signing key (secret wJalr…, 20120215, us-east-1, iam)", () => {
    expect(signingKey("wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", "20120215", "us-east-1", "iam").toString("hex")).toBe(
      "f4780e2d9f65fa895f9c67b32ce1baf0b0d8a43505a000a1a9e090d414db404d",
    );
  });

  test("presigns AWS's documented example URL (S3 GET test.txt, 2013-05-24) to its documented signature", () => {
    const url = presignUrl({
      host: "examplebucket.s3.amazonaws.com",
      path: "/test.txt",
      query: {},
      service: "s3",
      region: "us-east-1",
      credentials: { accessKeyId: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY" },
      date: new Date("2013-05-24T00:00:00Z"),
      expiresSeconds: 86400,
      payloadHash: "UNSIGNED-PAYLOAD",
    });
    expect(url).toBe(
      "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
        "&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z" +
        "&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
        "&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
    );
  });
});

describe("MSK IAM token", () => {
  const credentials = {
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "secret/key+example",
    sessionToken: "token/with+chars=",
  };
  const date = new Date("2024-02-03T04:05:06.789Z");

  test("is the base64url (unpadded) presigned kafka-cluster:Connect URL of the signer libraries' format", () => {
    const token = mskIamToken({ region: "ap-southeast-2", credentials, date });
    expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
    const url = new URL(Buffer.from(token, "base64url").toString("utf8"));
    expect(url.origin + url.pathname).toBe("https://kafka.ap-southeast-2.amazonaws.com/");
    expect([...url.searchParams.keys()].at(-1)).toBe("User-Agent"); // added after signing, as the libraries do
    expect(Object.fromEntries(url.searchParams)).toEqual({
      Action: "kafka-cluster:Connect",
      "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
      "X-Amz-Credential": "AKIDEXAMPLE/20240203/ap-southeast-2/kafka-cluster/aws4_request",
      "X-Amz-Date": "20240203T040506Z",
      "X-Amz-Expires": "900",
      "X-Amz-SignedHeaders": "host",
      "X-Amz-Security-Token": "token/with+chars=",
      "X-Amz-Signature": expect.stringMatching(/^[0-9a-f]{64}$/),
      "User-Agent": "source-kafka/0.1.0",
    });
    expect(Buffer.from(token, "base64url").toString("utf8")).not.toContain(credentials.secretAccessKey);
  });

  test("signs the same request the same way and a different secret differently", () => {
    const signature = (secretAccessKey: string) =>
      new URL(
        Buffer.from(
          mskIamToken({ region: "us-east-1", credentials: { ...credentials, secretAccessKey }, date }),
          "base64url",
        ).toString(),
      ).searchParams.get("X-Amz-Signature");
    expect(signature("a")).toBe(signature("a"));
    expect(signature("a")).not.toBe(signature("b"));
  });
});

describe("AWS credential chain", () => {
  const home = mkdtempSync(join(tmpdir(), "aws-home-"));
  writeFileSync(
    join(home, "credentials"),
    "[default]\naws_access_key_id = FILEKEY\naws_secret_access_key = filesecret\n\n# ops\n[ops]\naws_access_key_id=OPSKEY\naws_secret_access_key=opssecret\naws_session_token=opstoken\n",
  );
  const env = { AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials") };
  const keysEnv = {
    ...env,
    AWS_ACCESS_KEY_ID: "ENVKEY",
    AWS_SECRET_ACCESS_KEY: "envsecret",
    AWS_SESSION_TOKEN: "envtoken",
  };

  test("config keys first, then a configured profile, then the environment, then $AWS_PROFILE or default", () => {
    expect(resolveAwsCredentials({ aws_access_key_id: "CFG", aws_secret_access_key: "cfg" }, keysEnv)).toEqual({
      accessKeyId: "CFG",
      secretAccessKey: "cfg",
    });
    expect(resolveAwsCredentials({ aws_profile: "ops" }, keysEnv)).toEqual({
      accessKeyId: "OPSKEY",
      secretAccessKey: "opssecret",
      sessionToken: "opstoken",
    });
    expect(resolveAwsCredentials({}, keysEnv)).toEqual({
      accessKeyId: "ENVKEY",
      secretAccessKey: "envsecret",
      sessionToken: "envtoken",
    });
    expect(resolveAwsCredentials({}, { ...env, AWS_PROFILE: "ops" }).accessKeyId).toBe("OPSKEY");
    expect(resolveAwsCredentials({}, env)).toEqual({ accessKeyId: "FILEKEY", secretAccessKey: "filesecret" });
  });

  test("no credentials anywhere is a config error naming every place looked", () => {
    expect(() => resolveAwsCredentials({ aws_profile: "missing" }, env)).toThrow(
      `config: sasl.mechanism AWS_MSK_IAM found no AWS credentials: not in sasl.aws_access_key_id/sasl.aws_secret_access_key, not in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, not in profile "missing" of ${join(home, "credentials")}`,
    );
  });
});
