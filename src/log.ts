/**
 * Human-facing messages. Progress and warnings go out as protocol LOG messages (platforms show
 * them); the rest is for a person at a terminal and goes to stderr. Nothing here touches secrets:
 * callers pass messages built from errors, which never carry config values.
 */
import type { ConsolaInstance } from "consola";
import { logMessage, type LogLevel } from "./protocol/messages.ts";
import { emit } from "./protocol/output.ts";

let consola: Promise<ConsolaInstance> | undefined;

/**
 * Messages for a person: always stderr, since stdout carries protocol messages only. Consola is
 * loaded at the first one: `spec`, and a read that ends well, never write one.
 */
export function stderrLog(): Promise<ConsolaInstance> {
  consola ??= import("consola").then(({ createConsola }) =>
    createConsola({
      stdout: process.stderr,
      stderr: process.stderr,
      level: process.env.SOURCE_KAFKA_DEBUG ? 4 : 3,
    }),
  );
  return consola;
}

export function protocolLog(level: LogLevel, message: string): void {
  void emit(logMessage(level, message));
}
