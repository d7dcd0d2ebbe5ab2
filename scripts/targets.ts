/** The platforms we ship executables for (build.ts --all), named as in the files' suffixes. */
export type Target = { name: string; target: Bun.Build.CompileTarget; pkg: string; file: string };

/** Each one's Bun compile target and the npm package that holds Bun's runtime for it. */
export const targets: Target[] = [
  { name: "linux-x64", target: "bun-linux-x64", pkg: "@oven/bun-linux-x64" },
  { name: "linux-arm64", target: "bun-linux-arm64", pkg: "@oven/bun-linux-aarch64" },
  { name: "linux-x64-musl", target: "bun-linux-x64-musl", pkg: "@oven/bun-linux-x64-musl" },
  { name: "linux-arm64-musl", target: "bun-linux-arm64-musl", pkg: "@oven/bun-linux-aarch64-musl" },
  { name: "darwin-x64", target: "bun-darwin-x64", pkg: "@oven/bun-darwin-x64" },
  { name: "darwin-arm64", target: "bun-darwin-arm64", pkg: "@oven/bun-darwin-aarch64" },
  { name: "windows-x64", target: "bun-windows-x64", pkg: "@oven/bun-windows-x64" },
].map((t) => ({
  ...t,
  target: t.target as Bun.Build.CompileTarget,
  file: `source-kafka-${t.name}${t.name.startsWith("windows") ? ".exe" : ""}`,
}));
