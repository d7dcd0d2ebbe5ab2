// Runs a project script with the project's own Bun, installing the dependencies first when they
// are missing or older than package-lock.json. Plain Node on purpose: it runs before Bun exists.
//   node scripts/bootstrap.mjs <script.ts> [args...]
import { spawnSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const bun = join(root, "node_modules", ".bin", process.platform === "win32" ? "bun.exe" : "bun");
const installed = join(root, "node_modules", ".package-lock.json");
const lock = join(root, "package-lock.json");

if (!existsSync(bun) || !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs) {
  console.error("installing dependencies (npm ci)...");
  const npm = process.platform === "win32" ? "npm.cmd" : "npm";
  const install = spawnSync(npm, ["ci", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: root,
    stdio: ["ignore", "inherit", "inherit"],
  });
  if (install.status !== 0) {
    console.error("npm ci failed; see the messages above");
    process.exit(install.status ?? 1);
  }
}

const [script, ...args] = process.argv.slice(2);
const result = spawnSync(bun, [script, ...args], { cwd: root, stdio: "inherit" });
process.exit(result.status ?? (result.signal ? 1 : 0));
