/**
 * The state `read` resumes from. It accepts what the connector emits: one STATE message, or an
 * array of them as Airbyte passes it (each either the whole message or its `state` part).
 * The result maps stream name → partition → next offset to read. Each STATE is cumulative, so
 * when a stream appears more than once (all the STATE lines of a run, piped back in) the last
 * one wins.
 */
import * as v from "valibot";
import { validate } from "../input/validate.ts";

export type ResumeState = Map<string, Map<number, number>>;

const Offset = v.pipe(
  v.number("must be a number"),
  v.integer("must be an integer"),
  v.minValue(0, "must not be negative"),
  v.maxValue(Number.MAX_SAFE_INTEGER, "is too large"),
);

const StreamStateMessage = v.object({
  type: v.literal("STREAM", 'must be "STREAM" (only per-stream state is supported)'),
  stream: v.object({
    stream_descriptor: v.object({ name: v.pipe(v.string(), v.minLength(1, "must not be empty")) }),
    stream_state: v.object({
      partitions: v.record(
        v.pipe(v.string(), v.regex(/^(0|[1-9]\d{0,9})$/, "must be a partition number")),
        v.object({ offset: Offset }),
      ),
    }),
  }),
});

export function parseState(input: unknown): ResumeState {
  const messages = Array.isArray(input) ? input : [input];
  const state: ResumeState = new Map();
  messages.forEach((message, index) => {
    const where = Array.isArray(input) ? `state[${index}]` : "state";
    const unwrapped = isEnvelope(message) ? (message as { state: unknown }).state : message;
    // A state may hold hundreds of thousands of partitions: checked by hand when all are valid
    // (valibot's copy of them cost 0.5 s and 120 MB for 300,000), by the schema, for its exact
    // message, when one is not.
    const fast = validPartitions(unwrapped);
    const parsed = validate(StreamStateMessage, fast ? withoutPartitions(unwrapped) : unwrapped, where);
    const name = parsed.stream.stream_descriptor.name;
    state.set(
      name,
      fast ??
        new Map(Object.entries(parsed.stream.stream_state.partitions).map(([p, { offset }]) => [Number(p), offset])),
    );
  });
  return state;
}

const partitionKey = /^(0|[1-9]\d{0,9})$/;

/** The partitions of a state whose every partition entry is valid, else undefined. */
function validPartitions(message: unknown): Map<number, number> | undefined {
  const partitions = (message as { stream?: { stream_state?: { partitions?: unknown } } } | null)?.stream?.stream_state
    ?.partitions;
  if (typeof partitions !== "object" || partitions === null || Array.isArray(partitions)) return undefined;
  const result = new Map<number, number>();
  for (const key in partitions) {
    if (!Object.hasOwn(partitions, key) || !partitionKey.test(key)) return undefined;
    const entry = (partitions as Record<string, unknown>)[key];
    if (typeof entry !== "object" || entry === null || Array.isArray(entry)) return undefined;
    const offset = (entry as { offset?: unknown }).offset;
    if (typeof offset !== "number" || !Number.isSafeInteger(offset) || offset < 0) return undefined;
    result.set(Number(key), offset);
  }
  return result;
}

/** The message with its (already checked) partitions left out of what the schema walks. */
function withoutPartitions(message: unknown): unknown {
  const { stream } = message as { stream: { stream_state: object } };
  return { ...(message as object), stream: { ...stream, stream_state: { ...stream.stream_state, partitions: {} } } };
}

/** A whole AirbyteMessage `{"type":"STATE","state":{…}}` rather than its state part. */
function isEnvelope(message: unknown): boolean {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "STATE";
}
