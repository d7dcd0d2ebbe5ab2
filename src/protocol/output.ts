/**
 * stdout, the protocol channel: one JSON message a line and nothing else. Every write goes
 * through here, in order, and a full pipe makes callers wait (backpressure) instead of buffering.
 */
type Chunk = string | Uint8Array;

let broken = false;

process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  // The reader went away (EPIPE): nobody is left to tell, so leave at once and quietly.
  if (error.code === "EPIPE") {
    broken = true;
    process.exit(1);
  }
  throw error;
});

/**
 * Writes raw protocol bytes (whole lines); resolves when the pipe can take more. `done`, when
 * given, runs once stdout is finished with the bytes (they reached the OS), so that their buffer
 * may be filled again.
 */
export function writeRaw(chunk: Chunk, done?: () => void): Promise<void> | undefined {
  if (broken) return undefined;
  if (process.stdout.write(chunk, done && (() => done()))) return undefined;
  return new Promise((resolve) => process.stdout.once("drain", resolve));
}

/** Writes one protocol message as one line. */
export function emit(message: object): Promise<void> | undefined {
  return writeRaw(`${JSON.stringify(message)}\n`);
}

/** Resolves once everything written so far has been handed to the OS. */
export function flush(): Promise<void> {
  return new Promise((resolve) => process.stdout.write("", () => resolve()));
}
