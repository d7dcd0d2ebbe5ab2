/**
 * Records as the read path holds them (src/kafka/record-columns.ts), for unit tests of what reads
 * them: each record is written as a batch of its own (so that any offset and timestamp can be
 * given) and read back through the real batch reader.
 */
import { type OpenBatch, readBatches } from "../../src/kafka/record-batches.ts";
import { RecordColumns } from "../../src/kafka/record-columns.ts";
import { recordBatch } from "./record-batch.ts";

export type ColumnRecord = {
  offset: number;
  timestamp: number;
  key?: Uint8Array | string | null;
  value: Uint8Array | string | null;
  headers?: [string, string | null][];
};

export function columnsOf(records: ColumnRecord[]): RecordColumns {
  const bytes = Buffer.concat(
    records.map((r) =>
      recordBatch({
        firstOffset: r.offset,
        firstTimestamp: r.timestamp,
        records: [{ offsetDelta: 0, key: r.key ?? null, value: r.value, headers: r.headers }],
      }),
    ),
  );
  const batches: OpenBatch[] = [];
  readBatches(bytes, (_, open) => batches.push(open()));
  return new RecordColumns(batches);
}
