/**
 * Where AWS_MSK_IAM gets its AWS credentials, in the order the AWS SDKs use for these sources:
 * keys in the config, a profile named in the config, the AWS_* environment variables, then the
 * $AWS_PROFILE (else "default") profile of the shared credentials file. Container and instance
 * metadata credentials are not looked up.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { ConfigError } from "../../errors.ts";
import type { AwsCredentials } from "./sigv4.ts";

export type AwsCredentialSettings = {
  aws_access_key_id?: string;
  aws_secret_access_key?: string;
  aws_session_token?: string;
  aws_profile?: string;
};

/** @throws ConfigError naming every source tried when none has credentials. */
export function resolveAwsCredentials(
  settings: AwsCredentialSettings,
  env: Record<string, string | undefined> = process.env,
  home: string = homedir(),
): AwsCredentials {
  if (settings.aws_access_key_id && settings.aws_secret_access_key) {
    return withToken(settings.aws_access_key_id, settings.aws_secret_access_key, settings.aws_session_token);
  }
  const file = env.AWS_SHARED_CREDENTIALS_FILE || join(home, ".aws", "credentials");
  if (!settings.aws_profile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) {
    return withToken(env.AWS_ACCESS_KEY_ID, env.AWS_SECRET_ACCESS_KEY, env.AWS_SESSION_TOKEN);
  }
  const profile = settings.aws_profile || env.AWS_PROFILE || "default";
  const section = existsSync(file) ? parseIni(readFileSync(file, "utf8"))[profile] : undefined;
  if (section?.aws_access_key_id && section.aws_secret_access_key) {
    return withToken(section.aws_access_key_id, section.aws_secret_access_key, section.aws_session_token);
  }
  throw new ConfigError(
    `config: sasl.mechanism AWS_MSK_IAM found no AWS credentials: not in sasl.aws_access_key_id/sasl.aws_secret_access_key, ` +
      `not in AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, not in profile "${profile}" of ${file}`,
  );
}

function withToken(accessKeyId: string, secretAccessKey: string, sessionToken?: string): AwsCredentials {
  return sessionToken ? { accessKeyId, secretAccessKey, sessionToken } : { accessKeyId, secretAccessKey };
}

/** The shared credentials file: `[profile]` sections of `key = value` lines, `#`/`;` comments. */
function parseIni(text: string): Record<string, Record<string, string>> {
  const sections: Record<string, Record<string, string>> = {};
  let current: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#") || line.startsWith(";")) continue;
    const header = /^\[\s*([^\]]+?)\s*\]$/.exec(line);
    if (header) {
      current = sections[header[1] ?? ""] ??= {};
      continue;
    }
    const eq = line.indexOf("=");
    if (current && eq > 0) current[line.slice(0, eq).trim().toLowerCase()] = line.slice(eq + 1).trim();
  }
  return sections;
}
