/**
 * The read path's per-record cost, stage by stage, without a broker: record batches built in
 * memory from the benchmark's payloads are parsed, turned into documents and into protocol bytes,
 * as a worker does. For profiling hot-path changes (`bun bench/hot-path.ts [json500|json10]`);
 * `npm run bench` remains the measure against peers.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { recordBatch } from "../tests/support/record-batch.ts";
import { readBatches } from "../src/kafka/record-batches.ts";
import { RecordColumns } from "../src/kafka/record-columns.ts";
import { documentJson, type DecodeOptions } from "../src/decode/document.ts";
import { LineBuffer } from "../src/worker/line-buffer.ts";
import { RecordLines } from "../src/worker/record-lines.ts";
import { dir } from "./broker.ts";

const kind = process.argv[2] ?? "json500";
const lines = readFileSync(join(dir, "work", `payloads-${kind}.txt`), "utf8").split("\n");
const perBatch = 500;
const batches: Buffer[] = [];
for (let b = 0; b < 40; b++) {
  const records = Array.from({ length: perBatch }, (_, i) => ({ value: lines[(b * perBatch + i) % lines.length]! }));
  batches.push(recordBatch({ firstOffset: b * perBatch, firstTimestamp: 1764500000000, records }));
}
const bytes = Buffer.concat(batches);
const total = 40 * perBatch;
const decode: DecodeOptions = {
  keyFormat: "auto",
  valueFormat: "auto",
  onDecodeError: "fail",
  nulCharacters: "keep",
  bigNumbers: "keep",
};
const origin = { topic: "bench-v1-json500-1m", partition: 3, logAppendTime: false };
const encoder = new TextEncoder();

function parse(): RecordColumns[] {
  const batches: RecordColumns[] = [];
  readBatches(bytes, (_, open) => batches.push(new RecordColumns(open())));
  return batches;
}
function toLines(batches: RecordColumns[]): string {
  const prefix = `{"type":"RECORD","record":{"stream":"${origin.topic}","data":`;
  const suffix = `,"emitted_at":1764500000123}}\n`;
  let s = "";
  for (const records of batches)
    for (let i = 0; i < records.length; i++) s += prefix + documentJson(origin, records.record(i), decode) + suffix;
  return s;
}

const out = new LineBuffer();
function toBytes(batches: RecordColumns[]): void {
  const lines = new RecordLines(origin, 1764500000123, decode, undefined);
  for (const records of batches)
    for (let i = 0; i < records.length; i++) {
      lines.write(out, records, i);
      if (out.length >= 1 << 20) out.take();
    }
  out.take();
}

function time(label: string, rounds: number, f: () => void) {
  for (let i = 0; i < 5; i++) f();
  const t = performance.now();
  for (let i = 0; i < rounds; i++) f();
  const us = ((performance.now() - t) * 1000) / (rounds * total);
  console.log(`${label.padEnd(28)} ${us.toFixed(3)} µs/record`);
}

const records = parse();
const text = toLines(records);
time("parse batches (+CRC)", 30, parse);
time("general path: text", 30, () => toLines(records));
time("general path: encode", 30, () => encoder.encode(text));
time("fast lane: bytes", 30, () => toBytes(records));
time("all (parse + fast lane)", 30, () => toBytes(parse()));
