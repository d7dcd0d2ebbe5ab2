/**
 * Reads the JSON files the platform hands the connector (config, catalog, state). A UTF-8 byte
 * order mark before the JSON is skipped: Windows editors (Notepad, PowerShell's Out-File) write
 * one, and JSON.parse refuses it (RFC 8259 section 8.1 lets a parser ignore it).
 */
import { readFileSync } from "node:fs";
import { ConfigError } from "../errors.ts";

/** Largest file accepted: configs and catalogs are small, states hold one entry per partition. */
const maxBytes = 64 * 1024 * 1024;

export function readJsonFile(path: string, what: string): unknown {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > maxBytes) throw new ConfigError(`${what}: file ${path} is larger than 64 MiB`);
    text = bytes.toString("utf8");
    if (text.startsWith("\uFEFF")) text = text.slice(1);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    throw new ConfigError(
      `${what}: cannot read file ${path} (${(error as NodeJS.ErrnoException).code ?? "unreadable"})`,
      { cause: error },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message may quote the file's text, and a config holds secrets: say only where.
    throw new ConfigError(`${what}: file ${path} is not valid JSON`, { cause: error });
  }
}
