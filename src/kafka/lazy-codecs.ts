/**
 * The client library's snappy and LZ4 codecs (and its WebAssembly CRC-32C), instantiated on their
 * first call instead of when the library is imported. The WebAssembly module is compiled and
 * given its memory in every thread that imports the library — the main thread and each read
 * worker — although most topics are never snappy or LZ4 and src/kafka/crc32c.ts checks batches
 * natively. build.ts resolves the library's `@platformatic/wasm-utils` to this module inside the
 * executable; from source the library imports the package itself.
 *
 * @example lz4Decompress(frame) // the package's bundled build is loaded at this first call
 */
import type * as WasmUtils from "@platformatic/wasm-utils/bundled";

let loaded: typeof WasmUtils | undefined;

// `require`, not `import`: the codecs are synchronous, and the bundle evaluates a required
// module (the package's build with the WebAssembly inlined) only when it is first required.
const codecs = (): typeof WasmUtils => {
  loaded ??= require("@platformatic/wasm-utils/bundled") as typeof WasmUtils;
  return loaded;
};

export const crc32c: typeof WasmUtils.crc32c = (data) => codecs().crc32c(data);
export const lz4Compress: typeof WasmUtils.lz4Compress = (data) => codecs().lz4Compress(data);
export const lz4Decompress: typeof WasmUtils.lz4Decompress = (data) => codecs().lz4Decompress(data);
export const snappyCompress: typeof WasmUtils.snappyCompress = (data) => codecs().snappyCompress(data);
export const snappyDecompress: typeof WasmUtils.snappyDecompress = (data) => codecs().snappyDecompress(data);
