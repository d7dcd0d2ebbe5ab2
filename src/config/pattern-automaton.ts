/**
 * A topic pattern as a Thompson automaton, matched by following every state at once (no
 * backtracking): each character of a name costs at most one visit of each state, so `(a+)+` over
 * `aaaa…_` costs what `a+` does. The states are bounded (`maxStates`): a pattern without counted
 * repetitions has at most one per character, and `x{n,m}` copies x's states m times, so without
 * a bound `(.*){0,999}` would cost thousands of visits a character. With it, the worst pattern
 * costs about 10 µs per character of topic name (decision 0008).
 *
 * @example
 * const orders = compileAutomaton(parsePattern("orders-.*"));
 * orders.matches("orders-eu"); // true
 * orders.matches("orders"); // false: patterns match whole names
 */
import { type CharSet, type Expr, inTopicAlphabet, topicAlphabet, UnsupportedPattern } from "./pattern-syntax.ts";

/**
 * The most states a pattern may expand to, besides the final one: as many as a 1000-character
 * pattern (the config's limit) without counted repetitions can have.
 */
export const maxStates = 1000;

/** What a state does: consume one character of its set, go on to both outs, go on when its condition holds here, or accept. */
const Char = 0;
const Split = 1;
const Assert = 2;
const Match = 3;
type Kind = typeof Char | typeof Split | typeof Assert | typeof Match;

type Assertion = (Expr & { kind: "assert" })["at"];

const isWordCode = new Uint8Array(128);
for (const c of topicAlphabet.replace(/[-.]/g, "")) isWordCode[c.charCodeAt(0)] = 1;

/** The states, as parallel arrays; built backwards by `build` (a state's outs exist before it). */
class States {
  readonly kinds: Kind[] = [];
  readonly out1: number[] = [];
  readonly out2: number[] = [];
  /** For a Char state, which character codes it consumes (shared between equal sets). */
  readonly tables: (Uint8Array | undefined)[] = [];
  readonly asserts: (Assertion | undefined)[] = [];
  readonly #tablesBySet = new Map<CharSet, Uint8Array>();

  get size(): number {
    return this.kinds.length;
  }

  add(kind: Kind, out1 = -1, out2 = -1): number {
    if (this.kinds.length > maxStates) {
      throw new UnsupportedPattern(
        `expands to more than ${maxStates} states (a repetition copies what it repeats): topic patterns are matched in linear time, which bounds their size`,
      );
    }
    this.kinds.push(kind);
    this.out1.push(out1);
    this.out2.push(out2);
    this.tables.push(undefined);
    this.asserts.push(undefined);
    return this.kinds.length - 1;
  }

  addChar(chars: CharSet, out: number): number {
    const state = this.add(Char, out);
    let table = this.#tablesBySet.get(chars);
    if (!table) {
      table = new Uint8Array(128);
      for (const c of chars) table[c.charCodeAt(0)] = 1;
      this.#tablesBySet.set(chars, table);
    }
    this.tables[state] = table;
    return state;
  }

  addAssert(at: Assertion, out: number): number {
    const state = this.add(Assert, out);
    this.asserts[state] = at;
    return state;
  }
}

export class Automaton {
  readonly #kinds: Uint8Array;
  readonly #out1: Int32Array;
  readonly #out2: Int32Array;
  /** Which character codes each state consumes: none, but for Char states. */
  readonly #tables: Uint8Array[];
  readonly #asserts: (Assertion | undefined)[];
  readonly #start: number;
  // Scratch space for matching: the states reached at this position and the next, the closure's
  // stack, and which states the current position's closure has visited (`#marks === generation`).
  #current: Int32Array;
  #next: Int32Array;
  readonly #stack: Int32Array;
  readonly #marks: Int32Array;
  #generation = 0;

  constructor(states: States, start: number) {
    const none = new Uint8Array(128);
    this.#kinds = Uint8Array.from(states.kinds);
    this.#out1 = Int32Array.from(states.out1);
    this.#out2 = Int32Array.from(states.out2);
    this.#tables = states.tables.map((table) => table ?? none);
    this.#asserts = states.asserts;
    this.#start = start;
    const n = states.size;
    this.#current = new Int32Array(n);
    this.#next = new Int32Array(n);
    // A closure starts from at most every state and pushes at most two per visited state.
    this.#stack = new Int32Array(3 * n + 2);
    this.#marks = new Int32Array(n);
  }

  /** The number of states. */
  get size(): number {
    return this.#kinds.length;
  }

  /** Whether the whole of `name` matches. A name with a character no topic name may hold never does. */
  matches(name: string): boolean {
    const length = name.length;
    for (let i = 0; i < length; i++) {
      const code = name.charCodeAt(i);
      if (code >= 128 || inTopicAlphabet[code] === 0) return false;
    }
    const tables = this.#tables;
    const out1 = this.#out1;
    const stack = this.#stack;
    stack[0] = this.#start;
    let count = this.#closure(1, name, 0, this.#current);
    for (let i = 0; i < length && count > 0; i++) {
      const code = name.charCodeAt(i);
      const current = this.#current;
      // Which state a match goes on from does not matter (no captures): one closure from them all.
      let top = 0;
      for (let j = 0; j < count; j++) {
        const state = current[j] as number;
        if ((tables[state] as Uint8Array)[code] === 1) stack[top++] = out1[state] as number;
      }
      count = this.#closure(top, name, i + 1, this.#next);
      this.#current = this.#next;
      this.#next = current;
    }
    for (let j = 0; j < count; j++) if (this.#kinds[this.#current[j] as number] === Match) return true;
    return false;
  }

  /**
   * Fills `into` with the Char and Match states reachable without reading a character at
   * `position` from the `top` states on the stack; returns how many. Each state is visited once
   * per position (`#marks`), so the work per position is bounded by the states.
   */
  #closure(top: number, name: string, position: number, into: Int32Array): number {
    const stack = this.#stack;
    const marks = this.#marks;
    const kinds = this.#kinds;
    const out1 = this.#out1;
    const out2 = this.#out2;
    const generation = ++this.#generation;
    let count = 0;
    while (top > 0) {
      const state = stack[--top] as number;
      if (marks[state] === generation) continue;
      marks[state] = generation;
      const kind = kinds[state];
      if (kind === Split) {
        stack[top++] = out2[state] as number;
        stack[top++] = out1[state] as number;
      } else if (kind !== Assert) into[count++] = state;
      else if (holds(this.#asserts[state] as Assertion, name, position)) stack[top++] = out1[state] as number;
    }
    return count;
  }
}

function holds(at: Assertion, name: string, position: number): boolean {
  if (at === "start") return position === 0;
  if (at === "end") return position === name.length;
  const before = position > 0 && isWordCode[name.charCodeAt(position - 1)] === 1;
  const after = position < name.length && isWordCode[name.charCodeAt(position)] === 1;
  return at === "boundary" ? before !== after : before === after;
}

/** Builds the automaton of `expr`, throwing UnsupportedPattern when it would exceed `maxStates`. */
export function compileAutomaton(expr: Expr): Automaton {
  const states = new States();
  const match = states.add(Match);
  return new Automaton(states, build(states, expr, match));
}

/** The start state of `expr`, built backwards: `next` is where a match of it goes on. */
function build(states: States, expr: Expr, next: number): number {
  switch (expr.kind) {
    case "set":
      return states.addChar(expr.chars, next);
    case "assert":
      return states.addAssert(expr.at, next);
    case "seq": {
      let start = next;
      for (let i = expr.items.length - 1; i >= 0; i--) start = build(states, expr.items[i] as Expr, start);
      return start;
    }
    case "alt": {
      let start = -1;
      for (let i = expr.options.length - 1; i >= 0; i--) {
        const option = build(states, expr.options[i] as Expr, next);
        start = start < 0 ? option : states.add(Split, option, start);
      }
      return start < 0 ? next : start;
    }
    case "repeat":
      return buildRepeat(states, expr, next);
  }
}

function buildRepeat(states: States, expr: Expr & { kind: "repeat" }, next: number): number {
  const { body, min, max } = expr;
  let start = next;
  let copies = min;
  if (max === Number.POSITIVE_INFINITY) {
    // x* loops through one copy; x{n,} is n-1 copies and x+, whose copy is the loop's.
    const loop = states.add(Split, -1, next);
    const bodyStart = build(states, body, loop);
    states.out1[loop] = bodyStart;
    start = min > 0 ? bodyStart : loop;
    copies = Math.max(min - 1, 0);
  } else {
    // x{0,k} as (x(x(…)?)?)?: each optional copy may end the repetition.
    for (let i = 0; i < max - min; i++) {
      const before = states.size;
      start = states.add(Split, build(states, body, start), next);
      if (states.size === before + 1) break; // the body is empty: more copies add nothing
    }
  }
  for (let i = 0; i < copies; i++) {
    const before = states.size;
    start = build(states, body, start);
    if (states.size === before) break;
  }
  return start;
}
