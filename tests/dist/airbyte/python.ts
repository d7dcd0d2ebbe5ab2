/**
 * Runs the Python side of the Airbyte tests (PyAirbyte syncs, airbyte-cdk's standard tests, the
 * line validator) in the venv of venv.ts, from a fresh folder, as the tests need it: offline, since
 * PyAirbyte would otherwise look the connector up in Airbyte's registry online (and send
 * telemetry), though a local executable needs neither.
 *
 *   const { code, stdout, stderr } = await runPython([join(airbyteScripts, "pyairbyte_sync.py"), request]);
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureVenv } from "./venv.ts";

/** The folder of the Python scripts (on PYTHONPATH). */
export const airbyteScripts = import.meta.dir;
/** The compiled connector the Python side runs (npm test builds it first). */
export const executable = join(import.meta.dir, "..", "..", "..", "dist", "source-kafka");

let python: string | undefined;

export async function runPython(
  args: string[],
  cwd = mkdtempSync(join(tmpdir(), "source-kafka-airbyte-")),
): Promise<{ stdout: string; stderr: string; code: number }> {
  python ??= ensureVenv(); // made by scripts/test.ts before the tests; a no-op then
  const child = Bun.spawn([python, ...args], {
    cwd,
    stdout: "pipe",
    stderr: "pipe",
    env: {
      ...process.env,
      PYTHONPATH: airbyteScripts,
      PYTHONDONTWRITEBYTECODE: "1",
      NO_COLOR: "1",
      AIRBYTE_OFFLINE_MODE: "1",
      DO_NOT_TRACK: "1",
      SOURCE_KAFKA_EXECUTABLE: executable,
    },
  });
  const [stdout, stderr, code] = await Promise.all([
    new Response(child.stdout).text(),
    new Response(child.stderr).text(),
    child.exited,
  ]);
  return { stdout, stderr, code };
}
