/**
 * A record value checked as a JSON object on its bytes, for the read path's fast lane
 * (docs/decisions/0007-hot-path-in-bytes.md): a value that passes is copied to stdout as it is, with the
 * connector's fields spliced in before its closing brace, and is never decoded to a string,
 * parsed into objects or encoded back. One pass over the bytes checks what JSON.parse and a fatal
 * UTF-8 decode would, and what the document needs on top.
 *
 * The lane is narrow on purpose: whatever it does not take (not an object, not valid JSON or
 * UTF-8, a line break in the text, one of the connector's own field names at the top level, a key
 * there written with escapes, nesting deeper than `maxDepth`) goes to the general path
 * (document.ts), which decides what that means. So a mistake here can only cost speed if it
 * refuses too much, never correctness, as long as it refuses everything the general path would
 * treat differently: tests/unit/json-bytes.test.ts holds it to that against JSON.parse.
 */

import * as nodeBuffer from "node:buffer";

const maxDepth = 512;
const containers = new Uint8Array(maxDepth);
const inObject = 1;
const inArray = 2;
const expectValue = 0;
const expectKey = 1;
const expectColon = 2;
const expectAfter = 3;

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;
const colon = 0x3a;

/** The connector's own top-level fields (document.ts): a value holding one takes the general path. */
const ownFields = ["_meta", "_kafka_partition", "_kafka_offset"].map((name) => new TextEncoder().encode(name));

const [trueBytes, falseBytes, nullBytes] = ["true", "false", "null"].map((word) => new TextEncoder().encode(word)) as [
  Uint8Array,
  Uint8Array,
  Uint8Array,
];
/** Which bytes may follow a backslash in a JSON string, besides `u`. */
const simpleEscape = new Uint8Array(128);
for (const c of '"\\/bfnrt') simpleEscape[c.charCodeAt(0)] = 1;
const hexDigit = new Uint8Array(128);
for (const c of "0123456789abcdefABCDEF") hexDigit[c.charCodeAt(0)] = 1;

/**
 * Whether the whole value is well-formed UTF-8, checked once, natively where the runtime can (Bun's
 * isAscii and isUtf8 are simdutf's, some ns for 500 bytes), and in one JS pass where it cannot. Checking the
 * whole value rather than each string is the same check: a value the lane takes holds no non-ASCII byte
 * outside its strings, and a sequence cannot run across a string's ASCII quotes.
 */
const wellFormed: (bytes: Uint8Array) => boolean =
  typeof nodeBuffer.isAscii === "function" && typeof nodeBuffer.isUtf8 === "function"
    ? (bytes) => nodeBuffer.isAscii(bytes) || nodeBuffer.isUtf8(bytes)
    : utf8WellFormed;

/** The JS pass, for a runtime whose node:buffer lacks isAscii or isUtf8. */
function utf8WellFormed(bytes: Uint8Array): boolean {
  let i = 0;
  while (i < bytes.length) {
    i = (bytes[i] as number) < 0x80 ? i + 1 : utf8SequenceEnd(bytes, i);
    if (i < 0) return false;
  }
  return true;
}

/**
 * The end of the object's body: the index just past its last member (or its opening brace, when
 * it has none), before any whitespace and the closing brace. -1 when the fast lane does not apply.
 *
 * One loop, one token a turn, and each helper called from one place only: the compiler inlines
 * the helpers, and this function is the one the read workers compile hardest (copies of the
 * helpers' loops at several places made its optimising compile take ~0.1-0.5 s a worker).
 */
export function objectBodyEnd(bytes: Uint8Array): number {
  const n = bytes.length;
  // Checked here once, so that the scan of each string is left with quotes, escapes and control bytes.
  if (!wellFormed(bytes)) return -1;
  let i = 0;
  let depth = 0;
  let bodyEnd = -1;
  // The parser's place in the grammar, and whether a container just opened (so may close at once).
  let expect = expectValue;
  let opened = false;
  while (true) {
    i = skipBlanks(bytes, i);
    if (i < 0) return -1;
    if (i >= n) return depth === 0 && expect === expectAfter ? bodyEnd : -1;
    const c = bytes[i] as number;
    if (c === closeBrace || c === closeBracket) {
      if (!(expect === expectAfter || opened) || depth === 0) return -1;
      if (containers[depth - 1] !== (c === closeBrace ? inObject : inArray)) return -1;
      depth--;
      if (depth === 0) bodyEnd = trimBlanksBefore(bytes, i);
      i++;
      expect = expectAfter;
      opened = false;
      continue;
    }
    opened = false;
    if (expect === expectAfter) {
      if (c !== comma || depth === 0) return -1;
      expect = containers[depth - 1] === inObject ? expectKey : expectValue;
      i++;
      continue;
    }
    if (expect === expectColon) {
      if (c !== colon) return -1;
      expect = expectValue;
      i++;
      continue;
    }
    if (c === openBrace || c === openBracket) {
      if (expect !== expectValue || depth === maxDepth || (depth === 0 && c !== openBrace)) return -1;
      containers[depth++] = c === openBrace ? inObject : inArray;
      expect = c === openBrace ? expectKey : expectValue;
      opened = true;
      i++;
      continue;
    }
    // Only an object is a document: anything else at the top takes the general path.
    if (depth === 0) return -1;
    if (c === quote) {
      const end = stringEnd(bytes, i);
      if (end < 0) return -1;
      if (expect === expectKey) {
        if (depth === 1 && !plainKey(bytes, i + 1, end - 1)) return -1;
        expect = expectColon;
      } else expect = expectAfter;
      i = end;
      continue;
    }
    if (expect === expectKey) return -1;
    i = c === 0x2d || (c >= 0x30 && c <= 0x39) ? numberEnd(bytes, i) : literalEnd(bytes, i, c);
    if (i < 0) return -1;
    expect = expectAfter;
  }
}

/** Past spaces and tabs from `i`; -1 at a line break (a line must stay one line: the general path re-serialises). */
function skipBlanks(bytes: Uint8Array, i: number): number {
  for (; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09) continue;
    if (c === 0x0a || c === 0x0d) return -1;
    return i;
  }
  return i;
}

/** The index after the last byte before `i` that is not a space or tab. */
function trimBlanksBefore(bytes: Uint8Array, i: number): number {
  while (i > 0 && (bytes[i - 1] === 0x20 || bytes[i - 1] === 0x09)) i--;
  return i;
}

/**
 * The index after the string that opens at `i` (a quote), checking escapes; -1 if it is not one. Its
 * UTF-8 was checked with the whole value (wellFormed), so a byte from 0x80 up is passed over as it is.
 */
function stringEnd(bytes: Uint8Array, i: number): number {
  const n = bytes.length;
  i++;
  while (i < n) {
    const c = bytes[i] as number;
    if (c === quote) return i + 1;
    if (c < 0x20) return -1;
    if (c !== backslash) {
      i++;
      continue;
    }
    const e = bytes[i + 1] ?? 0;
    if (e < 128 && simpleEscape[e] === 1) {
      i += 2;
      continue;
    }
    if (e !== 0x75 || i + 5 >= n) return -1;
    for (let h = i + 2; h < i + 6; h++)
      if ((bytes[h] as number) >= 128 || hexDigit[bytes[h] as number] !== 1) return -1;
    i += 6;
  }
  return -1;
}

/** The index after the multi-byte UTF-8 sequence at `i`; -1 if it is not well formed (Unicode table 3-7). */
function utf8SequenceEnd(bytes: Uint8Array, i: number): number {
  const c = bytes[i] as number;
  let length: number;
  let low = 0x80;
  let high = 0xbf;
  if (c >= 0xc2 && c <= 0xdf) length = 2;
  else if (c >= 0xe0 && c <= 0xef) {
    length = 3;
    if (c === 0xe0) low = 0xa0;
    else if (c === 0xed) high = 0x9f; // no surrogates
  } else if (c >= 0xf0 && c <= 0xf4) {
    length = 4;
    if (c === 0xf0) low = 0x90;
    else if (c === 0xf4) high = 0x8f; // nothing past U+10FFFF
  } else return -1;
  if (i + length > bytes.length) return -1;
  const second = bytes[i + 1] as number;
  if (second < low || second > high) return -1;
  for (let k = i + 2; k < i + length; k++) if (((bytes[k] as number) & 0xc0) !== 0x80) return -1;
  return i + length;
}

/** The index after the number at `i`: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; -1 if it is not one. */
function numberEnd(bytes: Uint8Array, i: number): number {
  if (bytes[i] === 0x2d) i++;
  if (bytes[i] === 0x30) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bytes[i] === 0x2e) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    if (bytes[i] === 0x2b || bytes[i] === 0x2d) i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  return i;
}

/** The index after `true`, `false` or `null` at `i` (`c` is its first byte); -1 if none is there. */
function literalEnd(bytes: Uint8Array, i: number, c: number): number {
  const literal = c === 0x74 ? trueBytes : c === 0x66 ? falseBytes : c === 0x6e ? nullBytes : null;
  if (literal === null) return -1;
  for (let k = 0; k < literal.length; k++) if (bytes[i + k] !== literal[k]) return -1;
  return i + literal.length;
}

/** A top-level key between `start` and `end` that the fast lane may keep: no escapes, none of ours. */
function plainKey(bytes: Uint8Array, start: number, end: number): boolean {
  for (let k = start; k < end; k++) if (bytes[k] === backslash) return false;
  if (bytes[start] !== 0x5f) return true;
  for (const name of ownFields) if (name.length === end - start && sameBytes(bytes, start, name)) return false;
  return true;
}

function sameBytes(bytes: Uint8Array, start: number, name: Uint8Array): boolean {
  for (let k = 0; k < name.length; k++) if (bytes[start + k] !== name[k]) return false;
  return true;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}
