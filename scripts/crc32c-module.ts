/**
 * The N-API module of @node-rs/crc32 that build.ts embeds in each executable, so that record
 * batches are checked with the CPU's CRC instructions (src/kafka/crc32c.ts).
 */
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import packageJson from "../package.json" with { type: "json" };
import { npmFile } from "./npm-file.ts";
import type { Target } from "./targets.ts";

const version = packageJson.dependencies["@node-rs/crc32"];

/**
 * The .node file for `target`; for this machine (no target), the one npm installed with
 * @node-rs/crc32 (npm picks the platform, libc included), else the one fetched for the target.
 */
export function crc32cModule(target?: Target): string {
  if (target) return npmFile(`@node-rs/crc32-${target.crc32c}`, version, `crc32.${target.crc32c}.node`);
  const scope = join(dirname(Bun.resolveSync("@node-rs/crc32/package.json", import.meta.dir)), "..");
  const installed = readdirSync(scope).find((name) => name.startsWith("crc32-"));
  if (!installed) throw new Error("@node-rs/crc32 has no platform package installed for this machine (npm ci)");
  const dir = join(scope, installed);
  const node = readdirSync(dir).find((name) => name.endsWith(".node"));
  if (!node) throw new Error(`@node-rs/${installed} holds no .node file`);
  return join(dir, node);
}
