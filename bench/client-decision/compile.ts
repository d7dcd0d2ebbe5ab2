// Builds single-file executables of the bench scripts with `bun build --compile` semantics.
// @platformatic/wasm-utils reads ../dist/native.wasm from disk at import time, which does not exist
// inside a compiled binary (ENOENT '/$bunfs/dist/native.wasm'); the package also exports
// '@platformatic/wasm-utils/bundled' (same code, wasm inlined as base64), so we alias to it.
// Usage: bun bench/client-decision/compile.ts [outdir=/tmp/cd-bin]
const outdir = process.argv[2] ?? "/tmp/cd-bin";
const wasmBundled: import("bun").BunPlugin = {
  name: "wasm-utils-bundled",
  setup(build) {
    build.onResolve({ filter: /^@platformatic\/wasm-utils$/ }, () => ({
      path: Bun.resolveSync("@platformatic/wasm-utils/bundled", import.meta.dir),
    }));
  },
};
for (const name of ["platformatic", "kafkajs"]) {
  const result = await Bun.build({
    entrypoints: [`${import.meta.dir}/${name}.ts`],
    compile: { outfile: `${outdir}/${name}` },
    plugins: [wasmBundled],
  });
  if (!result.success) throw new AggregateError(result.logs, `compile ${name} failed`);
  console.log(`${outdir}/${name}`);
}
