/**
 * Compiles the standalone executable `dist/source-kafka` for this machine, with the read worker
 * built in (it is a second entry point, which the compiled binary resolves by its source path).
 */
import { execSync } from "node:child_process";

const commit = (() => {
  try {
    return execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] }).toString().trim();
  } catch {
    return "unknown";
  }
})();

/**
 * The Kafka client's codecs read a WebAssembly file from beside their own source when imported,
 * and no such file exists inside a compiled binary: use the package's build that inlines it.
 */
const inlineWasm: import("bun").BunPlugin = {
  name: "inline-wasm-utils",
  setup(build) {
    build.onResolve({ filter: /^@platformatic\/wasm-utils$/ }, () => ({
      path: Bun.resolveSync("@platformatic/wasm-utils/bundled", import.meta.dir),
    }));
  },
};

const result = await Bun.build({
  entrypoints: ["./src/main.ts", "./src/worker.ts"],
  plugins: [inlineWasm],
  compile: { outfile: "./dist/source-kafka" },
  minify: true,
  sourcemap: "linked",
  define: { SOURCE_KAFKA_COMMIT: JSON.stringify(commit) },
});
if (!result.success) {
  for (const log of result.logs) console.error(log);
  process.exit(1);
}
console.error(`built dist/source-kafka (${commit})`);
