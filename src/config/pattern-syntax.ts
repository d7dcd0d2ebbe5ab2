/**
 * Reads a topic pattern in JavaScript's regular expression syntax (without flags, so with the
 * web-compatibility rules of Annex B: `a{` and `]` are literals, `\a` is `a`, `\12` may be octal)
 * into an expression over the characters a topic name can hold. Kafka allows only
 * `[a-zA-Z0-9._-]` in a topic name, so every character set is kept as the part of it inside that
 * alphabet: what a pattern means for any topic name is exactly what JavaScript's RegExp makes of
 * it, with no regard to how it treats other characters. Lookarounds and backreferences are
 * refused: no linear-time matcher can run them.
 *
 * @example
 * parsePattern("orders-.*")
 * // { kind: "seq", items: [{ kind: "set", chars: "o" }, …, { kind: "set", chars: "-" },
 * //   { kind: "repeat", body: { kind: "set", chars: topicAlphabet }, min: 0, max: Infinity }] }
 */

/** The characters a Kafka topic name may hold (Kafka's `Topic.validate`). */
export const topicAlphabet = "-.0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz";

/** A set of alphabet characters, as a string of them in alphabet order (so it doubles as a key). */
export type CharSet = string;

export type Expr =
  | { kind: "set"; chars: CharSet }
  | { kind: "seq"; items: Expr[] }
  | { kind: "alt"; options: Expr[] }
  | { kind: "repeat"; body: Expr; min: number; max: number }
  | { kind: "assert"; at: "start" | "end" | "boundary" | "non-boundary" };

/** A pattern JavaScript accepts that cannot be matched in linear time, with why. */
export class UnsupportedPattern extends Error {
  override name = "UnsupportedPattern";
}

/** Syntax JavaScript accepted (it is checked first) but this reader does not: a gap here, said as such. */
const unreadable = (detail: string) =>
  new UnsupportedPattern(`has syntax the linear-time topic matcher does not read (${detail})`);
const unsupported = ": topic patterns are matched in linear time, which rules out lookarounds and backreferences";
const lookarounds = [
  ["(?=", "lookahead"],
  ["(?!", "negative lookahead"],
  ["(?<=", "lookbehind"],
  ["(?<!", "negative lookbehind"],
] as const;
const digits = "0123456789";
const wordChars = topicAlphabet.replace(/[-.]/g, "");
/** 1 at the char codes of topicAlphabet. */
export const inTopicAlphabet = new Uint8Array(128);
for (const c of topicAlphabet) inTopicAlphabet[c.charCodeAt(0)] = 1;

/** The alphabet characters among char codes `from`..`to`, inclusive. */
function range(from: number, to: number): CharSet {
  let chars = "";
  for (const c of topicAlphabet) {
    const code = c.charCodeAt(0);
    if (code >= from && code <= to) chars += c;
  }
  return chars;
}

const union = (...sets: CharSet[]): CharSet =>
  [...topicAlphabet].filter((c) => sets.some((s) => s.includes(c))).join("");
const complement = (set: CharSet): CharSet => [...topicAlphabet].filter((c) => !set.includes(c)).join("");
/** Case-insensitive matching without the u flag folds only ASCII letters onto ASCII letters. */
const caseClosure = (set: CharSet): CharSet => union(set, set.toUpperCase(), set.toLowerCase());
const single = (code: number): CharSet => (code < 128 && inTopicAlphabet[code] ? String.fromCharCode(code) : "");

/** `\d \D \w \W \s \S` in the alphabet (no whitespace is in it). */
const classEscapes: Record<string, CharSet> = {
  d: digits,
  D: complement(digits),
  w: wordChars,
  W: complement(wordChars),
  s: "",
  S: topicAlphabet,
};
const controlEscapes: Record<string, number> = { f: 12, n: 10, r: 13, t: 9, v: 11 };

/** An atom of a character class: one code (may start or end a range) or a class escape's set. */
type ClassAtom = { code: number } | { set: CharSet };

const bracedQuantifier = /\{(\d+)(,(\d*))?\}/y;
const modifierGroup = /\(\?([ims]*)(?:-([ims]*))?:/y;
const isOctal = (c: string | undefined) => c !== undefined && c >= "0" && c <= "7";
const isHex = (c: string | undefined) => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAsciiLetter = (c: string | undefined) => c !== undefined && /^[a-zA-Z]$/.test(c);

export function parsePattern(pattern: string): Expr {
  return new Parser(pattern).parse();
}

class Parser {
  #pos = 0;
  #ignoreCase = false;
  readonly #groups: number;
  readonly #namedGroups: boolean;

  constructor(readonly source: string) {
    ({ groups: this.#groups, named: this.#namedGroups } = countGroups(source));
  }

  parse(): Expr {
    const expr = this.#disjunction();
    if (this.#pos < this.source.length) throw unreadable(`unexpected ${this.source[this.#pos]}`);
    return expr;
  }

  #peek(offset = 0): string | undefined {
    return this.source[this.#pos + offset];
  }

  #startsWith(text: string): boolean {
    return this.source.startsWith(text, this.#pos);
  }

  #disjunction(): Expr {
    const options = [this.#alternative()];
    while (this.#peek() === "|") {
      this.#pos++;
      options.push(this.#alternative());
    }
    return options.length === 1 ? (options[0] as Expr) : { kind: "alt", options };
  }

  #alternative(): Expr {
    const items: Expr[] = [];
    while (this.#pos < this.source.length && this.#peek() !== "|" && this.#peek() !== ")") items.push(this.#term());
    return items.length === 1 ? (items[0] as Expr) : { kind: "seq", items };
  }

  #term(): Expr {
    const c = this.#peek();
    if (c === "^" || c === "$") {
      this.#pos++;
      return { kind: "assert", at: c === "^" ? "start" : "end" };
    }
    if (c === "\\" && (this.#peek(1) === "b" || this.#peek(1) === "B")) {
      this.#pos += 2;
      return { kind: "assert", at: this.source[this.#pos - 1] === "b" ? "boundary" : "non-boundary" };
    }
    const atom = this.#atom();
    const quantifier = this.#quantifier();
    if (quantifier === undefined) return atom;
    if (this.#peek() === "?") this.#pos++; // lazy or greedy, a whole name matches the same
    return { kind: "repeat", body: atom, ...quantifier };
  }

  #atom(): Expr {
    const c = this.source[this.#pos] as string;
    if (c === "(") return this.#group();
    if (c === "[") return { kind: "set", chars: this.#class() };
    if (c === ".") {
      this.#pos++;
      return { kind: "set", chars: topicAlphabet };
    }
    if (c === "\\") return this.#atomEscape();
    if (c === "*" || c === "+" || c === "?") throw unreadable(`nothing to repeat at ${c}`);
    if (c === "{" && this.#braced() !== undefined) throw unreadable("nothing to repeat at {");
    this.#pos++;
    return this.#char(c.charCodeAt(0));
  }

  /** A set of one character, or of both its cases inside a case-insensitive group. */
  #char(code: number): Expr {
    const chars = single(code);
    return { kind: "set", chars: this.#ignoreCase ? caseClosure(chars) : chars };
  }

  #quantifier(): { min: number; max: number } | undefined {
    const c = this.#peek();
    if (c === "*" || c === "+" || c === "?") {
      this.#pos++;
      return { min: c === "+" ? 1 : 0, max: c === "?" ? 1 : Number.POSITIVE_INFINITY };
    }
    if (c !== "{") return undefined;
    const braced = this.#braced();
    if (braced === undefined) return undefined; // a literal {, as Annex B reads it
    this.#pos += braced.length;
    return braced;
  }

  /** `{n}`, `{n,}` or `{n,m}` here, with its length in characters; anything else is a literal {. */
  #braced(): { min: number; max: number; length: number } | undefined {
    bracedQuantifier.lastIndex = this.#pos;
    const match = bracedQuantifier.exec(this.source);
    if (!match) return undefined;
    const min = Number(match[1]);
    const max = match[2] === undefined ? min : match[3] === "" ? Number.POSITIVE_INFINITY : Number(match[3]);
    return { min, max, length: match[0].length };
  }

  #group(): Expr {
    const inherited = this.#ignoreCase;
    for (const [opening, what] of lookarounds) {
      if (!this.#startsWith(opening)) continue;
      const hint = opening.includes("!") ? "; to leave topics out, use topic_exclude_pattern" : "";
      throw new UnsupportedPattern(`uses a ${what}, "${opening}…)"${unsupported}${hint}`);
    }
    if (this.#startsWith("(?<")) {
      const end = this.source.indexOf(">", this.#pos);
      if (end < 0) throw unreadable("unterminated group name");
      this.#pos = end + 1;
    } else if (this.#startsWith("(?")) {
      // Modifiers, `(?i:…)` or `(?-i:…)`: only i changes what a topic name matches (m and s are
      // about line terminators, which no name holds).
      modifierGroup.lastIndex = this.#pos;
      const modifiers = modifierGroup.exec(this.source);
      if (!modifiers) throw unreadable(`unknown group ${this.source.slice(this.#pos, this.#pos + 3)}`);
      if (modifiers[1]?.includes("i")) this.#ignoreCase = true;
      if (modifiers[2]?.includes("i")) this.#ignoreCase = false;
      this.#pos += modifiers[0].length;
    } else {
      this.#pos++;
    }
    const body = this.#disjunction();
    if (this.#peek() !== ")") throw unreadable("unterminated group");
    this.#pos++;
    this.#ignoreCase = inherited;
    return body;
  }

  #atomEscape(): Expr {
    const c = this.source[this.#pos + 1];
    if (c === undefined) throw unreadable("\\ at the end of the pattern");
    const set = classEscapes[c];
    if (set !== undefined) {
      this.#pos += 2;
      return { kind: "set", chars: set };
    }
    if (c >= "1" && c <= "9") {
      const number = /^\d+/.exec(this.source.slice(this.#pos + 1))?.[0] ?? c;
      if (Number(number) <= this.#groups) {
        throw new UnsupportedPattern(`uses a backreference, "\\${number}"${unsupported}`);
      }
    }
    if (c === "k" && this.#namedGroups) {
      throw new UnsupportedPattern(`uses a backreference, "\\k<…>"${unsupported}`);
    }
    if (c === "c" && !isAsciiLetter(this.#peek(2))) {
      this.#pos++; // Annex B: a \ not followed by a control letter is itself, and c is read next
      return this.#char(92);
    }
    this.#pos++;
    return this.#char(this.#characterEscape());
  }

  /**
   * The code of the character escape after a `\` (the position is past the `\`): control letters,
   * \xHH, \uHHHH, legacy octal, and any other character as itself.
   */
  #characterEscape(): number {
    const c = this.source[this.#pos] as string;
    const control = controlEscapes[c];
    if (control !== undefined) {
      this.#pos++;
      return control;
    }
    if (c === "c") {
      this.#pos += 2;
      return this.source.charCodeAt(this.#pos - 1) % 32;
    }
    if (c === "x" && isHex(this.#peek(1)) && isHex(this.#peek(2))) {
      this.#pos += 3;
      return Number.parseInt(this.source.slice(this.#pos - 2, this.#pos), 16);
    }
    if (c === "u" && [1, 2, 3, 4].every((i) => isHex(this.#peek(i)))) {
      this.#pos += 5;
      return Number.parseInt(this.source.slice(this.#pos - 4, this.#pos), 16);
    }
    if (isOctal(c)) {
      // Legacy octal: up to three digits while the value stays below 0o400.
      let text: string = c;
      for (let next = this.#peek(1); text.length < 3 && isOctal(next); next = this.#peek(text.length)) {
        if (Number.parseInt(`${text}0`, 8) >= 256) break;
        text += next;
      }
      this.#pos += text.length;
      return Number.parseInt(text, 8);
    }
    this.#pos++;
    return c.charCodeAt(0);
  }

  /** A character class, `[…]` or `[^…]`, as the set of alphabet characters it matches. */
  #class(): CharSet {
    this.#pos++;
    const negated = this.#peek() === "^";
    if (negated) this.#pos++;
    const parts: CharSet[] = [];
    while (this.#peek() !== "]") {
      if (this.#pos >= this.source.length) throw unreadable("unterminated character class");
      const from = this.#classAtom();
      if (this.#peek() === "-" && this.#peek(1) !== "]" && this.#peek(1) !== undefined) {
        this.#pos++;
        const to = this.#classAtom();
        if ("code" in from && "code" in to) {
          if (from.code > to.code) throw unreadable("character class range out of order");
          parts.push(range(from.code, to.code));
        } else {
          // Annex B: a range with a class escape at either end is its two atoms and a -.
          parts.push(atomSet(from), "-", atomSet(to));
        }
      } else {
        parts.push(atomSet(from));
      }
    }
    this.#pos++;
    const matched = this.#ignoreCase ? caseClosure(union(...parts)) : union(...parts);
    return negated ? complement(matched) : matched;
  }

  #classAtom(): ClassAtom {
    const c = this.source[this.#pos] as string;
    if (c !== "\\") {
      this.#pos++;
      return { code: c.charCodeAt(0) };
    }
    const next = this.source[this.#pos + 1];
    if (next === undefined) throw unreadable("\\ at the end of the pattern");
    const set = classEscapes[next];
    if (set !== undefined) {
      this.#pos += 2;
      return { set };
    }
    if (next === "b") {
      this.#pos += 2;
      return { code: 8 };
    }
    if (next === "c") {
      const letter = this.#peek(2);
      // Annex B: inside a class, \c also takes a digit or _.
      if (isAsciiLetter(letter) || (letter !== undefined && /^[0-9_]$/.test(letter))) {
        this.#pos += 3;
        return { code: (letter as string).charCodeAt(0) % 32 };
      }
      this.#pos++;
      return { code: 92 };
    }
    this.#pos++;
    return { code: this.#characterEscape() };
  }
}

const atomSet = (atom: ClassAtom): CharSet => ("set" in atom ? atom.set : single(atom.code));

/**
 * The number of capturing groups, and whether any is named: `\2` is a backreference only when the
 * pattern has two groups (anywhere), and `\k` only when it names one.
 */
function countGroups(source: string): { groups: number; named: boolean } {
  let groups = 0;
  let named = false;
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === "\\") i++;
    else if (inClass) inClass = c !== "]";
    else if (c === "[") inClass = true;
    else if (c === "(" && source[i + 1] !== "?") groups++;
    else if (c === "(" && source[i + 2] === "<" && source[i + 3] !== "=" && source[i + 3] !== "!") {
      groups++;
      named = true;
    }
  }
  return { groups, named };
}
