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
    const parsed = validate(StreamStateMessage, unwrapped, where);
    const name = parsed.stream.stream_descriptor.name;
    const partitions = new Map<number, number>();
    for (const [partition, { offset }] of Object.entries(parsed.stream.stream_state.partitions)) {
      partitions.set(Number(partition), offset);
    }
    state.set(name, partitions);
  });
  return state;
}

/** A whole AirbyteMessage `{"type":"STATE","state":{…}}` rather than its state part. */
function isEnvelope(message: unknown): boolean {
  return typeof message === "object" && message !== null && (message as { type?: unknown }).type === "STATE";
}
