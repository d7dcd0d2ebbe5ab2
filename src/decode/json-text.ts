/**
 * JSON text rewritten into text every consumer of the connector's output parses and stores
 * (RFC 7493's I-JSON, within the limits of pydantic's parser, Python's json, Jackson's defaults and
 * JSON.parse; docs/protocol.md, "What every consumer can parse"), keeping everything else exactly as
 * written: numbers keep their digits, strings their characters. The rules, each named in `_meta.rewrites`
 * when it changed something:
 *
 * - `lone_surrogate`: a `\uD800`-`\uDFFF` escape that is not half of a pair becomes U+FFFD
 *   (pydantic refuses the line, and PyAirbyte then drops it as a log line);
 * - `nul`: U+0000 in a string or name is removed (`strip`) or becomes U+FFFD (`replace`), as the
 *   `nul_characters` setting says (PostgreSQL's text and jsonb cannot hold it);
 * - `depth`: a container deeper than `maxDocumentDepth` in the document is its JSON text, a string
 *   (pydantic's parser stops at 200 levels in a line, Python's json near 1,000, MySQL at 100);
 * - `number`: a number of more than 1,000 characters (Jackson's limit; Python's json stops at 4,300
 *   digits) or beyond a double's range (1e400: Python reads inf, and both caches store NULL) is its
 *   text, a string;
 * - `long_name`: an object with a member name of more than 50,000 characters (Jackson's limit) is its
 *   JSON text, a string;
 * - `duplicate_name`: a name repeated in an object keeps its last value, at its first place, as
 *   JSON.parse, Python and Jackson all read it (I-JSON forbids repeats);
 * - `big_number`: with `big_numbers: string`, a number PyAirbyte's caches cannot hold as a number is
 *   its text, a string (isBigNumber).
 *
 *   rewriteJson('{"a":"\\ud800","b":1e400}', 2, { nul: "keep", bigNumbers: "keep" }, rewrites)
 *   // '{"a":"\uFFFD","b":"1e400"}', rewrites = {"lone_surrogate", "number"}
 *
 * The text must be valid JSON (JSON.parse accepted it): this is no validator.
 */

import { decimalColumnLimit } from "./decimal.ts";

/** The deepest container a document holds as JSON: the document object itself is at depth 1. */
export const maxDocumentDepth = 64;
/** Jackson's default StreamReadConstraints (2.15 on): longer numbers and names fail its parse. */
export const maxNumberLength = 1000;
export const maxNameLength = 50_000;

/** Also `other_fields`: top-level names that cannot be columns, moved (document.ts, columns.ts). */
export type Rewrite =
  | "lone_surrogate"
  | "nul"
  | "depth"
  | "number"
  | "long_name"
  | "duplicate_name"
  | "big_number"
  | "other_fields";
export type NulRule = "keep" | "strip" | "replace";
export type BigNumberRule = "keep" | "string";
export type TextRules = { nul: NulRule; bigNumbers: BigNumberRule };

/** The JSON text `text` (a value at document depth `depth`, if it is a container) rewritten by the rules; the rules that applied join `rewrites`. */
export function rewriteJson(text: string, depth: number, rules: TextRules, rewrites: Set<Rewrite>): string {
  const reader = new Reader(text, rules, rewrites);
  const out = reader.value(depth);
  return out;
}

/**
 * The members of the JSON object `text` (at document depth 1), each name decoded and each value
 * rewritten as rewriteJson would; null when `text` is not an object, or when the object is to be
 * written as its text (a name too long).
 */
export function objectMembers(text: string, rules: TextRules, rewrites: Set<Rewrite>): Member[] | null {
  const reader = new Reader(text, rules, rewrites);
  reader.blanks();
  if (text.charCodeAt(reader.i) !== openBrace) return null;
  return reader.members(1);
}

export type Member = { name: string; value: string };

/** A string with the NUL rule applied, for text that is not JSON (text values, headers); well-formed already. */
export function applyNulRule(text: string, rules: TextRules, rewrites: Set<Rewrite>): string {
  if (rules.nul === "keep" || !text.includes("\u0000")) return text;
  rewrites.add("nul");
  return text.replaceAll("\u0000", rules.nul === "strip" ? "" : "\uFFFD");
}

const quote = 0x22;
const backslash = 0x5c;
const openBrace = 0x7b;
const closeBrace = 0x7d;
const openBracket = 0x5b;
const closeBracket = 0x5d;
const comma = 0x2c;

class Reader {
  i = 0;
  constructor(
    readonly text: string,
    readonly rules: TextRules,
    readonly rewrites: Set<Rewrite>,
  ) {}

  blanks(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d) this.i++;
      else return;
    }
  }

  /** The value at `i`, rewritten, with `i` past it. */
  value(depth: number): string {
    this.blanks();
    const c = this.text.charCodeAt(this.i);
    if (c === quote) return this.string();
    if (c === openBrace || c === openBracket) {
      if (depth > maxDocumentDepth) {
        this.rewrites.add("depth");
        return JSON.stringify(this.skipContainer());
      }
      if (c === openBracket) return this.array(depth);
      const start = this.i;
      const members = this.members(depth);
      if (members === null) {
        this.i = start;
        return JSON.stringify(this.skipContainer());
      }
      return `{${members.map((m) => `${JSON.stringify(m.name)}:${m.value}`).join(",")}}`;
    }
    const start = this.i;
    while (this.i < this.text.length && !isDelimiter(this.text.charCodeAt(this.i))) this.i++;
    const token = this.text.slice(start, this.i);
    if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      if (token.length > maxNumberLength || !Number.isFinite(Number(token))) {
        this.rewrites.add("number");
        return `"${token}"`;
      }
      if (this.rules.bigNumbers === "string" && isBigNumber(token)) {
        this.rewrites.add("big_number");
        return `"${token}"`;
      }
    }
    return token;
  }

  array(depth: number): string {
    this.i++;
    const items: string[] = [];
    this.blanks();
    if (this.text.charCodeAt(this.i) === closeBracket) {
      this.i++;
      return "[]";
    }
    for (;;) {
      items.push(this.value(depth + 1));
      this.blanks();
      const c = this.text.charCodeAt(this.i++);
      if (c === closeBracket) return `[${items.join(",")}]`;
      if (c !== comma) throw new SyntaxError(`not JSON at ${this.i - 1}`);
    }
  }

  /** The object at `i`'s members, deduplicated (the last value at the first place); null (i left anywhere) for a name too long. */
  members(depth: number): Member[] | null {
    this.i++;
    const members: Member[] = [];
    const places = new Map<string, number>();
    this.blanks();
    if (this.text.charCodeAt(this.i) === closeBrace) {
      this.i++;
      return members;
    }
    for (;;) {
      this.blanks();
      const token = this.string();
      const name = token.includes("\\") ? (JSON.parse(token) as string) : token.slice(1, -1);
      if (name.length > maxNameLength) {
        this.rewrites.add("long_name");
        return null;
      }
      this.blanks();
      this.i++; // the colon
      const value = this.value(depth + 1);
      const place = places.get(name);
      if (place === undefined) {
        places.set(name, members.length);
        members.push({ name, value });
      } else {
        this.rewrites.add("duplicate_name");
        (members[place] as Member).value = value;
      }
      this.blanks();
      const c = this.text.charCodeAt(this.i++);
      if (c === closeBrace) return members;
      if (c !== comma) throw new SyntaxError(`not JSON at ${this.i - 1}`);
    }
  }

  /** The string token at `i` (a quote), with lone surrogate escapes and NULs rewritten. */
  string(): string {
    const t = this.text;
    const start = this.i;
    let i = start + 1;
    let changed = false;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === quote) break;
      if (c !== backslash) {
        i++;
        continue;
      }
      if (t.charCodeAt(i + 1) !== 0x75) {
        i += 2;
        continue;
      }
      const unit = Number.parseInt(t.slice(i + 2, i + 6), 16);
      if (unit === 0 && this.rules.nul !== "keep") changed = true;
      else if (unit >= 0xd800 && unit <= 0xdbff && isLowEscape(t, i + 6)) i += 6;
      else if (unit >= 0xd800 && unit <= 0xdfff) changed = true;
      i += 6;
    }
    this.i = i + 1;
    const token = t.slice(start, i + 1);
    if (!changed) return token;
    // JSON.parse keeps lone surrogates as they are; toWellFormed makes each U+FFFD.
    let decoded = JSON.parse(token) as string;
    const wellFormed = decoded.toWellFormed();
    if (wellFormed !== decoded) this.rewrites.add("lone_surrogate");
    decoded = applyNulRule(wellFormed, this.rules, this.rewrites);
    return JSON.stringify(decoded);
  }

  /** The text of the container at `i`, with `i` past it: skipped over, not descended into. */
  skipContainer(): string {
    const t = this.text;
    const start = this.i;
    let depth = 0;
    for (;;) {
      const c = t.charCodeAt(this.i);
      if (c === quote) {
        this.skipString();
        continue;
      }
      this.i++;
      if (c === openBrace || c === openBracket) depth++;
      else if ((c === closeBrace || c === closeBracket) && --depth === 0) return t.slice(start, this.i);
    }
  }

  skipString(): void {
    const t = this.text;
    let i = this.i + 1;
    for (;;) {
      const c = t.charCodeAt(i);
      if (c === quote) break;
      i += c === backslash ? 2 : 1;
    }
    this.i = i + 1;
  }
}

/**
 * Whether the number `token` is one that PyAirbyte's caches cannot hold as a number: an integer
 * written without fraction or exponent below -2^63 or from 2^64 on (the Postgres cache reads its
 * files with pandas, which aborts on such an integer anywhere in a record: "Value is too big!"), or
 * any number of 10^29 or more in magnitude (beyond DECIMAL(38, 9), PyAirbyte's number column).
 *
 *   isBigNumber("18446744073709551615")  // false: an unsigned 64-bit integer
 *   isBigNumber("18446744073709551616")  // true
 *   isBigNumber("1.5e30")                // true
 */
export function isBigNumber(token: string): boolean {
  if (integerLiteral.test(token)) {
    // Fewer than 19 digits is within ±10^18: no need for a BigInt.
    if (token.length - (token.charCodeAt(0) === 0x2d ? 1 : 0) < 19) return false;
    const value = BigInt(token);
    return value < minInt64 || value >= uint64Limit;
  }
  return Math.abs(Number(token)) >= decimalColumnLimit;
}

const integerLiteral = /^-?[0-9]+$/;
const minInt64 = -(2n ** 63n);
const uint64Limit = 2n ** 64n;

function isDelimiter(c: number): boolean {
  return c === comma || c === closeBrace || c === closeBracket || c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

/** Whether `\uDC00`-`\uDFFF` (a low surrogate's escape) starts at `i`. */
function isLowEscape(t: string, i: number): boolean {
  if (t.charCodeAt(i) !== backslash || t.charCodeAt(i + 1) !== 0x75) return false;
  const unit = Number.parseInt(t.slice(i + 2, i + 6), 16);
  return unit >= 0xdc00 && unit <= 0xdfff;
}
