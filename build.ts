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
 * The Kafka client's codecs load a WebAssembly file from beside their own source, which does not
 * exist inside a compiled binary: import it as an embedded file instead.
 */
const embedWasm: import("bun").BunPlugin = {
  name: "embed-wasm-utils",
  setup(build) {
    build.onLoad({ filter: /@platformatic[\\/]wasm-utils[\\/]dist[\\/]index\.js$/ }, async (args) => {
      const source = await Bun.file(args.path).text();
      const patched = source.replace(
        "readFileSync(new URL('../dist/native.wasm', import.meta.url))",
        "readFileSync(embeddedWasm)",
      );
      if (patched === source) throw new Error("wasm-utils changed: update the embed-wasm-utils plugin in build.ts");
      return { contents: `import embeddedWasm from "./native.wasm" with { type: "file" };\n${patched}`, loader: "js" };
    });
  },
};

const result = await Bun.build({
  entrypoints: ["./src/main.ts", "./src/worker.ts"],
  plugins: [embedWasm],
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
