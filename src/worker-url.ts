/**
 * Where the read worker's entry point is. It sits beside main.ts on purpose: inside the compiled
 * executable every module resolves relative to the bundle's root, which is this folder, so the
 * same URL finds the worker from source, from the binary and under Deno.
 */
export const workerUrl = (): string => new URL("./worker.ts", import.meta.url).href;
