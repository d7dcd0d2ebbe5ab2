/** The platforms we ship executables for (build.ts --all), named as in the files' suffixes. */
export type Target = {
  name: string;
  target: Bun.Build.CompileTarget;
  pkg: string;
  /** The platform suffix of @node-rs/crc32's N-API package for it (CRC-32C, embedded by build.ts). */
  crc32c: string;
  file: string;
};

/** Each one's Bun compile target, the npm package that holds Bun's runtime for it, and its CRC-32C module. */
export const targets: Target[] = [
  { name: "linux-x64", target: "bun-linux-x64", pkg: "@oven/bun-linux-x64", crc32c: "linux-x64-gnu" },
  { name: "linux-arm64", target: "bun-linux-arm64", pkg: "@oven/bun-linux-aarch64", crc32c: "linux-arm64-gnu" },
  { name: "linux-x64-musl", target: "bun-linux-x64-musl", pkg: "@oven/bun-linux-x64-musl", crc32c: "linux-x64-musl" },
  {
    name: "linux-arm64-musl",
    target: "bun-linux-arm64-musl",
    pkg: "@oven/bun-linux-aarch64-musl",
    crc32c: "linux-arm64-musl",
  },
  { name: "darwin-x64", target: "bun-darwin-x64", pkg: "@oven/bun-darwin-x64", crc32c: "darwin-x64" },
  { name: "darwin-arm64", target: "bun-darwin-arm64", pkg: "@oven/bun-darwin-aarch64", crc32c: "darwin-arm64" },
  { name: "windows-x64", target: "bun-windows-x64", pkg: "@oven/bun-windows-x64", crc32c: "win32-x64-msvc" },
].map((t) => ({
  ...t,
  target: t.target as Bun.Build.CompileTarget,
  file: `source-kafka-${t.name}${t.name.startsWith("windows") ? ".exe" : ""}`,
}));
