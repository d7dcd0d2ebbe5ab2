/**
 * Compiles the standalone executable `dist/source-kafka` for this machine, with the read worker
 * built in (it is a second entry point, which the compiled binary resolves by its source path).
 *
 *   bun build.ts                 # dist/source-kafka, for this machine
 *   bun build.ts --all           # also dist/source-kafka-<platform> for every platform we ship
 *   bun build.ts --outdir DIR    # somewhere else than dist/
 *
 * Every run writes SHA256SUMS (sha256sum's format) for the executables it built.
 */
import { execSync } from "node:child_process";
import { mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { runtime } from "./scripts/bun-runtime.ts";
import { crc32cModule } from "./scripts/crc32c-module.ts";
import { type Target, targets } from "./scripts/targets.ts";

const { values: options } = parseArgs({
  options: { all: { type: "boolean", default: false }, outdir: { type: "string", default: "dist" } },
});
const outdir = resolve(import.meta.dir, options.outdir);

const commit = (() => {
  try {
    return execSync("git rev-parse --short HEAD", { stdio: ["ignore", "pipe", "ignore"] })
      .toString()
      .trim();
  } catch {
    return "unknown";
  }
})();

/**
 * The Kafka client's codecs (snappy, LZ4) are WebAssembly, compiled in every thread the moment the
 * library is imported, from a file beside their own source that a compiled binary does not have:
 * the library gets src/kafka/lazy-codecs.ts instead, which loads the package's build with the
 * WebAssembly inlined on the first call.
 */
const lazyCodecs: import("bun").BunPlugin = {
  name: "lazy-codecs",
  setup(build) {
    build.onResolve({ filter: /^@platformatic\/wasm-utils$/ }, () => ({
      path: resolve(import.meta.dir, "src/kafka/lazy-codecs.ts"),
    }));
  },
};

/**
 * The client library imports `avsc` for its own schema registry, which we never construct: each
 * thread would load Avro's code at start for nothing. The library's import alone gets
 * src/kafka/no-library-avro.ts (it throws if ever called); src/registry/'s stay the real package.
 */
const noLibraryAvro: import("bun").BunPlugin = {
  name: "no-library-avro",
  setup(build) {
    build.onResolve({ filter: /^avsc$/ }, (args) =>
      /[\\/]node_modules[\\/]@platformatic[\\/]kafka[\\/]/.test(args.importer)
        ? { path: resolve(import.meta.dir, "src/kafka/no-library-avro.ts") }
        : undefined,
    );
  },
};

/**
 * The target's own N-API CRC-32C module in place of the @node-rs/crc32 package, whose loader
 * would pick one at run time from packages that are not in the executable: Bun embeds a required
 * .node file and loads it from a temporary copy (src/kafka/crc32c.ts falls back when it cannot).
 */
function embedCrc32c(target?: Target): import("bun").BunPlugin {
  const module = crc32cModule(target);
  return {
    name: "embed-crc32c",
    setup(build) {
      build.onResolve({ filter: /^@node-rs\/crc32$/ }, () => ({ path: module }));
    },
  };
}

/** Bun's target for this machine, when it is one we ship: built with the running Bun itself. */
const hostTarget = `bun-${process.platform === "win32" ? "windows" : process.platform}-${process.arch}`;

/**
 * Compiles one executable into `outdir/file`. Bun also writes the source maps beside it (they are
 * embedded in the executable too, for stack traces) under names shared by every target, so each
 * build happens in a folder of its own and only the executable is moved into place — by a rename,
 * so that a test running the previous binary never sees a half-written one.
 */
async function compile(file: string, target?: Target): Promise<string> {
  const staging = join(outdir, `.building-${file}`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging, { recursive: true });
  const result = await Bun.build({
    entrypoints: ["./src/main.ts", "./src/worker.ts"],
    plugins: [lazyCodecs, noLibraryAvro, embedCrc32c(target)],
    compile: {
      outfile: join(staging, file),
      ...(target && { target: target.target }),
      ...(target && target.target !== hostTarget && { executablePath: runtime(target.pkg) }),
    },
    // The two entry points share their modules as chunks: without it each embeds its own full copy
    // of the bundle (source and bytecode), which the executable carries and maps twice.
    splitting: true,
    minify: true,
    // Precompiled bytecode instead of source to parse at every start: `spec` starts in ~30 ms
    // instead of ~85, and each read worker starts sooner (docs/decisions/0007-hot-path-in-bytes.md).
    bytecode: true,
    format: "esm",
    sourcemap: "linked",
    define: { SOURCE_KAFKA_COMMIT: JSON.stringify(commit) },
  });
  if (!result.success) {
    for (const log of result.logs) console.error(log);
    process.exit(1);
  }
  renameSync(join(staging, file), join(outdir, file));
  rmSync(staging, { recursive: true, force: true });
  console.error(`built ${join(options.outdir, file)} (${commit})`);
  return file;
}

mkdirSync(outdir, { recursive: true });
const built = [await compile("source-kafka")];
if (options.all) {
  for (const target of targets) built.push(await compile(target.file, target));
}

const sums = await Promise.all(
  built.map(
    async (file) =>
      `${new Bun.CryptoHasher("sha256").update(await Bun.file(join(outdir, file)).arrayBuffer()).digest("hex")}  ${file}\n`,
  ),
);
writeFileSync(join(outdir, "SHA256SUMS"), sums.join(""));
