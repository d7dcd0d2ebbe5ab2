/**
 * A record value checked as a JSON object on its bytes, for the read path's fast lane
 * (docs/decisions/0007-hot-path-in-bytes.md): a value that passes is copied to stdout as it is, with the
 * connector's fields spliced in before its closing brace, and is never decoded to a string,
 * parsed into objects or encoded back. One pass over the bytes checks what JSON.parse and a fatal
 * UTF-8 decode would, and what the document needs on top.
 *
 * The lane is narrow on purpose: whatever it does not take (not an object, not valid JSON or
 * UTF-8, a line break in the text, a name written with escapes, a top-level name that is not a
 * column of its own (columns.ts), anything a rule of json-text.ts might rewrite: a surrogate
 * escape that is not half of a pair, an escaped NUL, a container deeper than maxDocumentDepth, a
 * number that may be too long or too large, or, with `big_numbers: string`, too large for
 * PyAirbyte's caches, a name too long, a name twice in one object) goes to
 * the general path (document.ts), which decides what that means. So a mistake here can only cost speed if it
 * refuses too much, never correctness, as long as it refuses everything the general path would
 * treat differently: tests/unit/json-bytes.test.ts holds it to that against JSON.parse.
 */

import { ownFields as ownFieldNames } from "./columns.ts";
import { maxDocumentDepth as maxDepth, maxNameLength } from "./json-text.ts";

const containers = new Uint8Array(maxDepth);
/** Each open object's serial number, so that the names seen can be told apart by object. */
const objectSerials = new Int32Array(maxDepth);
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

/**
 * Names the top level may not hold as they are, normalised as columns.ts normalises: the connector's own
 * fields, and the start of Airbyte's (any name that normalises to one takes the general path).
 */
const ownFields = ownFieldNames.map((name) => new TextEncoder().encode(name));
const airbytePrefix = new TextEncoder().encode("_airbyte_");

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
 * The end of the body of the object in `bytes` from `start` to `end`: the index just past its last
 * member (or its opening brace, when it has none), before any whitespace and the closing brace. -1
 * when the fast lane does not apply. `bigNumbersAsStrings`: the document's `big_numbers` rule is
 * `string` (json-text.ts). A range, not a view: the read path scans values where they lie in their
 * record batch, with no object made for each (docs/decisions/0014-records-in-columns.md).
 *
 * One loop, one token a turn, and each helper called from one place only: the compiler inlines
 * the helpers, and this function is the one the read workers compile hardest (copies of the
 * helpers' loops at several places made its optimising compile take ~0.1-0.5 s a worker).
 */
export function objectBodyEnd(bytes: Uint8Array, start: number, end: number, bigNumbersAsStrings: boolean): number {
  const n = end;
  names.generation++;
  names.count = 0;
  let objects = 0;
  let i = start;
  let depth = 0;
  let bodyEnd = -1;
  // The parser's place in the grammar, and whether a container just opened (so may close at once).
  let expect = expectValue;
  let opened = false;
  while (true) {
    i = skipBlanks(bytes, i, n);
    if (i < 0) return -1;
    if (i >= n) return depth === 0 && expect === expectAfter ? bodyEnd : -1;
    const c = bytes[i] as number;
    if (c === closeBrace || c === closeBracket) {
      if (!(expect === expectAfter || opened) || depth === 0) return -1;
      if (containers[depth - 1] !== (c === closeBrace ? inObject : inArray)) return -1;
      depth--;
      if (depth === 0) bodyEnd = trimBlanksBefore(bytes, start, i);
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
      if (c === openBrace) objectSerials[depth] = objects++;
      containers[depth++] = c === openBrace ? inObject : inArray;
      expect = c === openBrace ? expectKey : expectValue;
      opened = true;
      i++;
      continue;
    }
    // Only an object is a document: anything else at the top takes the general path.
    if (depth === 0) return -1;
    if (c === quote) {
      const after = stringEnd(bytes, i, n);
      if (after < 0) return -1;
      if (expect === expectKey) {
        if (!newName(bytes, i + 1, after - 1, depth, objectSerials[depth - 1] as number)) return -1;
        expect = expectColon;
      } else expect = expectAfter;
      i = after;
      continue;
    }
    if (expect === expectKey) return -1;
    // Read without `n`: a number or literal that runs past it leaves `i` past it, inside a container,
    // and the value is refused (the bytes after a value are the next record's).
    i = c === 0x2d || (c >= 0x30 && c <= 0x39) ? numberEnd(bytes, i, bigNumbersAsStrings) : literalEnd(bytes, i, c);
    if (i < 0) return -1;
    expect = expectAfter;
  }
}

/** Past spaces and tabs from `i`; -1 at a line break (a line must stay one line: the general path re-serialises). */
function skipBlanks(bytes: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = bytes[i];
    if (c === 0x20 || c === 0x09) continue;
    if (c === 0x0a || c === 0x0d) return -1;
    return i;
  }
  return i;
}

/** The index after the last byte before `i` (and from `start`) that is not a space or tab. */
function trimBlanksBefore(bytes: Uint8Array, start: number, i: number): number {
  while (i > start && (bytes[i - 1] === 0x20 || bytes[i - 1] === 0x09)) i--;
  return i;
}

/**
 * The index after the string that opens at `i` (a quote) and ends before `end`, checking escapes
 * and UTF-8; -1 if it is not one. Only a string may hold a byte from 0x80 up (anywhere else the
 * grammar refuses it), so checking each string's sequences checks the whole value's UTF-8, with
 * no view of the value made for a native check.
 */
function stringEnd(bytes: Uint8Array, i: number, end: number): number {
  i++;
  while (i < end) {
    const c = bytes[i] as number;
    if (c === quote) return i + 1;
    if (c < 0x20) return -1;
    if (c >= 0x80) {
      i = utf8SequenceEnd(bytes, i, end);
      if (i < 0) return -1;
      continue;
    }
    if (c !== backslash) {
      i++;
      continue;
    }
    const e = i + 1 < end ? (bytes[i + 1] as number) : 0;
    if (e < 128 && simpleEscape[e] === 1) {
      i += 2;
      continue;
    }
    if (e !== 0x75 || i + 5 >= end) return -1;
    const unit = hexUnit(bytes, i + 2);
    // An escaped NUL, or a surrogate escape not followed by its other half: json-text.ts's rules.
    if (unit <= 0) return -1;
    if (unit >= 0xd800 && unit <= 0xdfff) {
      // A high surrogate's escape must be followed by a low one's, \uDC00-\uDFFF (read here, not by
      // hexUnit again: each helper is called from one place, see the header).
      if (unit >= 0xdc00 || i + 11 >= end || bytes[i + 6] !== backslash || bytes[i + 7] !== 0x75) return -1;
      const third = (bytes[i + 9] as number) | 0x20;
      if (((bytes[i + 8] as number) | 0x20) !== 0x64 || third < 0x63 || third > 0x66) return -1;
      if (hexDigit[bytes[i + 10] as number] !== 1 || hexDigit[bytes[i + 11] as number] !== 1) return -1;
      i += 6;
    }
    i += 6;
  }
  return -1;
}

/** The code unit of the four hex digits at `i`; -1 if they are not four hex digits. */
function hexUnit(bytes: Uint8Array, i: number): number {
  let unit = 0;
  for (let h = i; h < i + 4; h++) {
    const c = bytes[h] ?? 0x100;
    if (c >= 128 || hexDigit[c] !== 1) return -1;
    unit = unit * 16 + (c <= 0x39 ? c - 0x30 : (c | 0x20) - 0x57);
  }
  return unit;
}

/** The index after the multi-byte UTF-8 sequence at `i`, which must end by `end`; -1 if it is not well formed (Unicode table 3-7). */
function utf8SequenceEnd(bytes: Uint8Array, i: number, end: number): number {
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
  if (i + length > end) return -1;
  const second = bytes[i + 1] as number;
  if (second < low || second > high) return -1;
  for (let k = i + 2; k < i + length; k++) if (((bytes[k] as number) & 0xc0) !== 0x80) return -1;
  return i + length;
}

/**
 * The index after the number at `i`: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?; -1 if it is not
 * one, or if json-text.ts might write it as a string: over 200 characters, or a positive exponent of
 * 3 digits or more (below those, a number is less than 10^299, which a double holds). With
 * `bigNumbersAsStrings`, also 20 integer digits (19 after a minus) or a positive exponent of 2
 * digits: below those, an integer is within [-2^63, 2^64) and any number below 10^28. Digits are
 * counted, never read as a value: most numbers are short.
 */
function numberEnd(bytes: Uint8Array, i: number, bigNumbersAsStrings: boolean): number {
  const start = i;
  const negative = bytes[i] === 0x2d;
  if (negative) i++;
  const integerStart = i;
  if (bytes[i] === 0x30) i++;
  else if (isDigit(bytes[i])) while (isDigit(bytes[i])) i++;
  else return -1;
  if (bigNumbersAsStrings && i - integerStart >= (negative ? 19 : 20)) return -1;
  if (bytes[i] === 0x2e) {
    i++;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
  }
  if (bytes[i] === 0x65 || bytes[i] === 0x45) {
    i++;
    const negativeExponent = bytes[i] === 0x2d;
    if (bytes[i] === 0x2b || negativeExponent) i++;
    const digits = i;
    if (!isDigit(bytes[i])) return -1;
    while (isDigit(bytes[i])) i++;
    if (!negativeExponent && i - digits > (bigNumbersAsStrings ? 1 : 2)) return -1;
  }
  return i - start > 200 ? -1 : i;
}

/** The index after `true`, `false` or `null` at `i` (`c` is its first byte); -1 if none is there. */
function literalEnd(bytes: Uint8Array, i: number, c: number): number {
  const literal = c === 0x74 ? trueBytes : c === 0x66 ? falseBytes : c === 0x6e ? nullBytes : null;
  if (literal === null) return -1;
  for (let k = 0; k < literal.length; k++) if (bytes[i + k] !== literal[k]) return -1;
  return i + literal.length;
}

/**
 * The names seen in the value, as hashes tagged with their object's serial number, in an open-addressed
 * table that a new generation empties. Two names with one hash in one object send the value to the
 * general path, which tells a repeat from a collision; so do more names than half the table holds.
 */
const names = { generation: 0, count: 0 };
const tableSize = 2048;
const slotHash = new Int32Array(tableSize);
const slotObject = new Int32Array(tableSize);
const slotGeneration = new Int32Array(tableSize);
const normalised = new Uint8Array(64);
/**
 * Each byte of a top-level name as columns.ts normalises it: a-z and 0-9 as they are, A-Z in lower
 * case, any other character one `_` (its UTF-8 continuation bytes skipped); a backslash refuses the
 * name, and the lead bytes of U+0130 and U+212A need a closer look.
 */
const skip = 0;
const refuse = 1;
const lookCloser = 2;
const columnByte = new Uint8Array(256).fill(0x5f);
for (let c = 0x30; c <= 0x39; c++) columnByte[c] = c;
for (let c = 0x61; c <= 0x7a; c++) columnByte[c] = c;
for (let c = 0x41; c <= 0x5a; c++) columnByte[c] = c | 0x20;
for (let c = 0x80; c < 0xc0; c++) columnByte[c] = skip;
columnByte[backslash] = refuse;
columnByte[0xc4] = lookCloser;
columnByte[0xe2] = lookCloser;

/**
 * Whether the name between `start` and `end`, in the object of serial `object` at `depth`, may stay as
 * written: no escapes, not too long, not seen before in its object; at the top level, also a column
 * of its own (columns.ts): its normalised form (lower case, each other character `_`, a leading digit
 * behind a `_`, cut at 63) has a letter or digit, is not one of ours nor `_airbyte_*`, and is new.
 */
function newName(bytes: Uint8Array, start: number, end: number, depth: number, object: number): boolean {
  if (end - start > maxNameLength) return false;
  let hash = 0x811c9dc5;
  if (depth === 1) {
    let length = 0;
    let alphanumeric = false;
    for (let k = start; k < end; k++) {
      let c = columnByte[bytes[k] as number] as number;
      if (c === skip) continue;
      if (c === refuse) return false;
      if (c === lookCloser) {
        // The two characters whose lower case holds ASCII letters (U+0130 → "i̇", U+212A → "k").
        const lead = bytes[k] as number;
        if (lead === 0xc4 ? bytes[k + 1] === 0xb0 : bytes[k + 1] === 0x84 && bytes[k + 2] === 0xaa) return false;
        c = 0x5f;
      }
      if (c !== 0x5f) {
        if (length === 0 && c <= 0x39) {
          normalised[length++] = 0x5f;
          hash = Math.imul(hash ^ 0x5f, 16777619);
        }
        alphanumeric = true;
      }
      if (length === 63) continue;
      normalised[length++] = c;
      hash = Math.imul(hash ^ c, 16777619);
    }
    if (!alphanumeric || (normalised[0] === 0x5f && reservedName(length))) return false;
  } else {
    for (let k = start; k < end; k++) {
      const c = bytes[k] as number;
      if (c === backslash) return false;
      hash = Math.imul(hash ^ c, 16777619);
    }
  }
  if (names.count * 2 >= tableSize) return false;
  let slot = (hash ^ Math.imul(object, 0x9e3779b1)) & (tableSize - 1);
  while (slotGeneration[slot] === names.generation) {
    if (slotHash[slot] === hash && slotObject[slot] === object) return false;
    slot = (slot + 1) & (tableSize - 1);
  }
  slotGeneration[slot] = names.generation;
  slotHash[slot] = hash;
  slotObject[slot] = object;
  names.count++;
  return true;
}

/** Whether the `length` normalised bytes are one of the connector's names or start as Airbyte's do. */
function reservedName(length: number): boolean {
  if (length >= airbytePrefix.length && sameBytes(normalised, 0, airbytePrefix)) return true;
  for (const name of ownFields) if (name.length === length && sameBytes(normalised, 0, name)) return true;
  return false;
}

function sameBytes(bytes: Uint8Array, start: number, name: Uint8Array): boolean {
  for (let k = 0; k < name.length; k++) if (bytes[start + k] !== name[k]) return false;
  return true;
}

function isDigit(c: number | undefined): boolean {
  return c !== undefined && c >= 0x30 && c <= 0x39;
}
