/**
 * A worker's output buffers as the main thread sees them: a shared buffer crosses once, with the
 * first batch written into it, and afterwards goes back and forth by number; lines that outgrew
 * their buffer (a long line) are transferred, and the buffer they outgrew is spare again at once.
 */
import { expect, test } from "bun:test";
import { WorkerOutput } from "../../src/pool/worker-output.ts";
import { LineBuffer } from "../../src/worker/line-buffer.ts";
import { OutputBuffers } from "../../src/worker/output-buffers.ts";

const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

test("a shared buffer crosses with its first batch only, then by number, and is written into again", () => {
  const buffers = new OutputBuffers();
  const main = new WorkerOutput();
  const taken = buffers.take();
  expect(taken.buffer).toBeInstanceOf(SharedArrayBuffer);
  const out = new LineBuffer(taken.buffer);
  out.putText("first\n");
  const first = buffers.name(taken, out.take());
  expect(first.transfer).toEqual([]);
  expect(first.lines).toEqual({ buffer: taken.id, length: 6, shared: taken.buffer as SharedArrayBuffer });
  expect(text(main.bytes(first.lines))).toBe("first\n");
  buffers.back(main.ack(first.lines).lines);

  // The same buffer, back by number: the next batch names it without sending it again.
  const again = buffers.take();
  expect(again).toEqual(taken);
  const next = new LineBuffer(again.buffer);
  next.putText("second line\n");
  const second = buffers.name(again, next.take());
  expect(second.lines).toEqual({ buffer: taken.id, length: 12 });
  expect(text(main.bytes(second.lines))).toBe("second line\n");
  expect(main.ack(second.lines)).toEqual({ lines: { buffer: taken.id }, transfer: [] });
});

test("lines that outgrew their shared buffer are transferred; the buffer is spare again at once", () => {
  const buffers = new OutputBuffers();
  const main = new WorkerOutput();
  const taken = buffers.take();
  const out = new LineBuffer(taken.buffer);
  const long = "x".repeat(LineBuffer.initialBytes + 10);
  out.putText(long);
  const named = buffers.name(taken, out.take());
  expect("bytes" in named.lines).toBe(true);
  expect(named.transfer).toHaveLength(1);
  expect(text(main.bytes(named.lines))).toBe(long);
  // The shared buffer is taken next, without waiting for the ack of the grown one.
  expect(buffers.take()).toEqual(taken);
  const back = main.ack(named.lines);
  expect(back.transfer).toEqual(named.transfer);
  // A grown buffer is let go when it comes back: the one after is a new shared buffer.
  buffers.back(back.lines);
  const fresh = buffers.take();
  expect(fresh.id).toBe(taken.id + 1);
});

test("a batch naming a shared buffer that never came is an error, not empty lines", () => {
  expect(() => new WorkerOutput().bytes({ buffer: 3, length: 10 })).toThrow(/shared buffer 3, which never came/);
});
