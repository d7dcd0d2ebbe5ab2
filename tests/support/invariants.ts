/**
 * The read path's two output invariants, checked over a run's messages in the order they were
 * written: within each partition offsets strictly increase (and, the test topics having no gaps,
 * follow on from the start one by one), and each STATE names only offsets whose records were
 * already written — every record below the named offset came before it, none at or above it did.
 */
import type { Message } from "./connector.ts";

export type Walk = {
  /** Problems found, in output order (at most 20), each saying where; empty when all holds. */
  violations: string[];
  records: number;
  /** STATE messages of the stream, final one included. */
  states: number;
  /** Per partition, the highest offset written. */
  maxOffset: Map<number, number>;
};

/**
 * Walks `messages` of one run of `stream` that started at `start` (partition → first offset it
 * was to read; a partition absent from it starts at 0).
 */
export function walkOutput(messages: Message[], stream: string, start: Map<number, number>): Walk {
  const violations: string[] = [];
  const flag = (problem: string) => {
    if (violations.length < 20) violations.push(problem);
  };
  const maxOffset = new Map<number, number>();
  // Per partition, the offsets written, in output order (increasing, unless flagged).
  const written = new Map<number, number[]>();
  const lastState = new Map<number, number>();
  let records = 0;
  let states = 0;
  messages.forEach((message, line) => {
    if (message.type === "RECORD" && message.record.stream === stream) {
      const { partition, offset } = message.record.data._meta as { partition: number; offset: number };
      records++;
      const first = start.get(partition) ?? 0;
      const max = maxOffset.get(partition);
      if (offset < first) flag(`line ${line}: partition ${partition} offset ${offset} is before the start ${first}`);
      if (max !== undefined && offset <= max)
        flag(`line ${line}: partition ${partition} offset ${offset} after ${max} (not increasing)`);
      const expected = max === undefined ? first : max + 1;
      if (offset !== expected)
        flag(`line ${line}: partition ${partition} offset ${offset} where ${expected} was next (a gap)`);
      maxOffset.set(partition, Math.max(offset, max ?? -1));
      if (!written.has(partition)) written.set(partition, []);
      written.get(partition)!.push(offset);
    }
    if (message.type === "STATE" && message.state.stream.stream_descriptor.name === stream) {
      states++;
      const named = message.state.stream.stream_state.partitions as Record<string, { offset: number }>;
      for (const partition of maxOffset.keys()) {
        if (!(String(partition) in named))
          flag(`line ${line}: STATE leaves out partition ${partition}, which was read`);
      }
      for (const [key, { offset }] of Object.entries(named)) {
        const partition = Number(key);
        const first = start.get(partition) ?? 0;
        const max = maxOffset.get(partition);
        // All of [first, offset) written: as many distinct offsets in that span as it holds.
        const below = new Set((written.get(partition) ?? []).filter((o) => o >= first && o < offset)).size;
        if (offset > first && below !== offset - first) {
          flag(
            `line ${line}: STATE names partition ${partition} at ${offset} but only ${below} of the ${offset - first} records from ${first} came before it`,
          );
        }
        if (max !== undefined && max >= offset) {
          flag(`line ${line}: STATE names partition ${partition} at ${offset} but offset ${max} was already written`);
        }
        const previous = lastState.get(partition);
        if (previous !== undefined && offset < previous)
          flag(`line ${line}: STATE moves partition ${partition} back from ${previous} to ${offset}`);
        lastState.set(partition, offset);
      }
    }
  });
  return { violations, records, states, maxOffset };
}

/** The `stream_state.partitions` of a STATE message as partition → offset. */
export function stateOffsets(message: Message): Map<number, number> {
  const partitions = message.state.stream.stream_state.partitions as Record<string, { offset: number }>;
  return new Map(Object.entries(partitions).map(([p, { offset }]) => [Number(p), offset]));
}
