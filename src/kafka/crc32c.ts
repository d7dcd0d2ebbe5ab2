/**
 * CRC-32C (Castagnoli), which every record batch carries and the read path checks.
 *
 * Natively where the runtime can load the N-API module of `@node-rs/crc32` (hardware CRC
 * instructions, ~0.16 ns a byte): from node_modules when run from source under Bun or Node, and
 * from inside the executable, where build.ts embeds the module built for each target. Else (Deno
 * without --allow-ffi, a module that cannot be written out and loaded) the client library's
 * WebAssembly version, ~3× slower (docs/decisions/0010-fetch-path-round-three.md).
 *
 * @example crc32c(new TextEncoder().encode("123456789")) // 0xe3069283
 */
import { crc32c as libraryCrc32c } from "@platformatic/kafka";

type NativeCrc32c = { crc32c(input: Uint8Array): number };

function loadNative(): NativeCrc32c | null {
  try {
    // `require`, not `import`: Bun loads N-API modules only so, and build.ts swaps this specifier
    // for the target's .node file. Deno has no `require` in modules: it throws, and the fallback runs.
    const native = require("@node-rs/crc32") as NativeCrc32c;
    return native.crc32c(knownInput) === knownCrc ? native : null;
  } catch {
    return null;
  }
}

const knownInput = new TextEncoder().encode("123456789");
const knownCrc = 0xe3069283;

const native = loadNative();

/** Which implementation this thread uses: for the start-up log and tests. */
export const crc32cImplementation: "native" | "webassembly" = native ? "native" : "webassembly";

/** CRC-32C of `bytes`, as an unsigned 32-bit integer. */
export const crc32c: (bytes: Uint8Array) => number = native
  ? (bytes) => native.crc32c(bytes)
  : (bytes) => libraryCrc32c(bytes as Buffer);
