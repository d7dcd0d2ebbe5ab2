/**
 * Records as the read path holds them, for unit tests of what reads them: each record is written
 * as a batch of its own (so that any offset and timestamp can be given) and read back through the
 * real batch reader, as fetched batches (src/kafka/records.ts) or as their columns
 * (src/kafka/record-columns.ts).
 */
import { readBatches } from "../../src/kafka/record-batches.ts";
import { RecordColumns } from "../../src/kafka/record-columns.ts";
import type { FetchedBatch } from "../../src/kafka/records.ts";
import { recordBatch } from "./record-batch.ts";

export type ColumnRecord = {
  offset: number;
  timestamp: number;
  key?: Uint8Array | string | null;
  value: Uint8Array | string | null;
  headers?: [string, string | null][];
};

/** The records as fetched batches, one a record. */
export function batchesOf(records: ColumnRecord[]): FetchedBatch[] {
  const bytes = Buffer.concat(
    records.map((r) =>
      recordBatch({
        firstOffset: r.offset,
        firstTimestamp: r.timestamp,
        records: [{ offsetDelta: 0, key: r.key ?? null, value: r.value, headers: r.headers }],
      }),
    ),
  );
  const batches: FetchedBatch[] = [];
  readBatches(bytes, (header, open) => batches.push({ header, open }));
  return batches;
}

/** The records as the columns of one batch, whose base offset and timestamp are the first record's. */
export function columnsOf(records: ColumnRecord[]): RecordColumns {
  const first = records[0] ?? { offset: 0, timestamp: 0 };
  const bytes = recordBatch({
    firstOffset: first.offset,
    firstTimestamp: first.timestamp,
    records: records.map((r) => ({
      offsetDelta: r.offset - first.offset,
      timestampDelta: r.timestamp - first.timestamp,
      key: r.key ?? null,
      value: r.value,
      headers: r.headers,
    })),
  });
  let columns: RecordColumns | undefined;
  readBatches(bytes, (_, open) => {
    columns = new RecordColumns(open());
  });
  if (!columns) throw new Error("no batch read");
  return columns;
}
