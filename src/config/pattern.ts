/**
 * The topic patterns of the config: regular expressions in JavaScript's syntax that match whole
 * topic names, matched in linear time (decision 0008): no pattern can hang the connector, whatever
 * the topics.
 */
import { type Automaton, compileAutomaton } from "./pattern-automaton.ts";
import { parsePattern, UnsupportedPattern } from "./pattern-syntax.ts";

/** A compiled topic pattern. */
export type TopicPattern = { matches(name: string): boolean };

/**
 * A pattern must match the whole name: `orders` selects `orders`, not `orders-dlq`. JavaScript's
 * syntax (as `new RegExp(pattern)` reads it), which agrees with Java's (Kafka Connect's
 * `topics.regex`) on the usual character classes, groups, alternation and quantifiers.
 *
 * @example topicPattern("orders-.*").matches("orders-eu") // true
 */
export function topicPattern(pattern: string): TopicPattern {
  return compile(pattern);
}

/**
 * What is wrong with `pattern` for the config's error ("must be…", "uses…"), or undefined when it
 * compiles. It must be a valid JavaScript regular expression, on its own too (`a)|(b` compiles once
 * wrapped in a group, but would then not be what was written), and one a linear-time matcher runs.
 */
export function patternProblem(pattern: string): string | undefined {
  try {
    new RegExp(pattern);
  } catch {
    return "must be a valid regular expression (JavaScript syntax)";
  }
  try {
    compile(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof UnsupportedPattern) return error.message;
    throw error;
  }
}

// The config's validation and its selection compile the same one or two patterns.
const compiled = new Map<string, Automaton>();

function compile(pattern: string): Automaton {
  let automaton = compiled.get(pattern);
  if (!automaton) {
    automaton = compileAutomaton(parsePattern(pattern));
    compiled.set(pattern, automaton);
  }
  return automaton;
}
