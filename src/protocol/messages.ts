/**
 * Builders for the Airbyte protocol messages the connector writes. Each returns the message
 * object; `output.ts` turns it into one line of stdout.
 */
import type { FailureType } from "../errors.ts";
import packageJson from "../../package.json" with { type: "json" };

/**
 * Where `spec` sends a person: the configuration reference in the repository (package.json names
 * it); tests/unit/config-docs.test.ts checks the file is there.
 */
export const documentationPath = "docs/configuration.md";
export const documentationUrl = `${packageJson.repository.url}/blob/main/${documentationPath}`;

export type StreamState = { partitions: Record<string, { offset: number }> };

export const specMessage = (connectionSpecification: object) => ({
  type: "SPEC",
  spec: {
    documentationUrl,
    connectionSpecification,
    supportsIncremental: true,
    supported_destination_sync_modes: ["append", "append_dedup", "overwrite"],
  },
});

export const connectionStatusMessage = (ok: boolean, message?: string) => ({
  type: "CONNECTION_STATUS",
  connectionStatus: ok ? { status: "SUCCEEDED", message } : { status: "FAILED", message },
});

export const catalogMessage = (streams: object[]) => ({ type: "CATALOG", catalog: { streams } });

export const stateMessage = (stream: string, state: StreamState, recordCount: number) => ({
  type: "STATE",
  state: {
    type: "STREAM",
    stream: { stream_descriptor: { name: stream }, stream_state: state },
    sourceStats: { recordCount },
  },
});

export type LogLevel = "FATAL" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";

export const logMessage = (level: LogLevel, message: string) => ({
  type: "LOG",
  log: { level, message },
});

export const errorTraceMessage = (failureType: FailureType, message: string, internalMessage?: string) => ({
  type: "TRACE",
  trace: {
    type: "ERROR",
    emitted_at: Date.now(),
    error: { message, internal_message: internalMessage, failure_type: failureType },
  },
});

/** STARTED, RUNNING just before the stream's first record (none without records), then COMPLETE or INCOMPLETE. */
export type StreamStatus = "STARTED" | "RUNNING" | "COMPLETE" | "INCOMPLETE";

export const streamStatusMessage = (stream: string, status: StreamStatus) => ({
  type: "TRACE",
  trace: {
    type: "STREAM_STATUS",
    emitted_at: Date.now(),
    stream_status: { stream_descriptor: { name: stream }, status },
  },
});

export const estimateMessage = (stream: string, rowEstimate: number) => ({
  type: "TRACE",
  trace: {
    type: "ESTIMATE",
    emitted_at: Date.now(),
    estimate: { name: stream, type: "STREAM", row_estimate: rowEstimate },
  },
});
