/**
 * Confluent's own serialisers, for tests: Python confluent-kafka's AvroSerializer,
 * ProtobufSerializer and JSONSerializer (harness/serialize.py), in a venv under .cache/python
 * that the first call creates with pip (a `.complete` marker names what it installed).
 *
 *   const bytes = await serialize(registry, [{ topic, key: null, value: { format: "avro", schema, data } }]);
 *   // [{ key: null, value: Buffer [0, 0, 0, 0, 1, ...] }]
 */
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { protoToDescriptor } from "./proto-descriptor.ts";

const root = join(import.meta.dir, "..");
const venv = join(root, ".cache", "python", "venv");
const python = join(venv, "bin", "python");
const requirement = "confluent-kafka[avro,protobuf,json]==2.16.1";

export type Part =
  | {
      format: "avro" | "json_schema";
      schema: string;
      data: unknown;
      references?: { name: string; subject: string; version: number }[];
    }
  | { format: "protobuf"; proto: string; message: string; data: unknown };

export type ToSerialize = { topic: string; key: Part | null; value: Part | null };

export type RegistryAccess = { url: string; username?: string; password?: string };

/** Serialises each message's key and value as a real producer would, registering the schemas. */
export async function serialize(
  registry: RegistryAccess,
  messages: ToSerialize[],
): Promise<{ key: Buffer | null; value: Buffer | null }[]> {
  ensureVenv();
  const request = {
    registry,
    messages: messages.map((m) => ({ topic: m.topic, key: toRequest(m.key), value: toRequest(m.value) })),
  };
  const child = Bun.spawn([python, join(import.meta.dir, "serialize.py")], {
    stdin: "pipe",
    stdout: "pipe",
    stderr: "pipe",
  });
  child.stdin.write(JSON.stringify(request));
  child.stdin.end();
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  if (code !== 0) throw new Error(`serialize.py exited ${code}: ${stderr.trim()}`);
  const parsed = JSON.parse(stdout) as { key: string | null; value: string | null }[];
  const buffer = (b64: string | null) => (b64 === null ? null : Buffer.from(b64, "base64"));
  return parsed.map((m) => ({ key: buffer(m.key), value: buffer(m.value) }));
}

/** Python's protobuf has no .proto parser (that is protoc's job): hand it a FileDescriptorProto. */
function toRequest(part: Part | null) {
  if (part === null || part.format !== "protobuf") return part;
  const { proto, ...rest } = part;
  return { ...rest, descriptor: protoToDescriptor(proto).toString("base64") };
}

function ensureVenv(): void {
  const marker = join(venv, ".complete");
  if (existsSync(marker) && readFileSync(marker, "utf8") === requirement) return;
  const run = (command: string, args: string[]) => {
    const result = spawnSync(command, args, { stdio: ["ignore", "ignore", "pipe"], timeout: 600_000 });
    if (result.status !== 0)
      throw new Error(`${command} ${args.join(" ")} failed: ${result.stderr?.toString().trim()}`);
  };
  run("python3", ["-m", "venv", venv]);
  run(join(venv, "bin", "pip"), ["install", "--quiet", "--disable-pip-version-check", requirement]);
  writeFileSync(marker, requirement);
}
