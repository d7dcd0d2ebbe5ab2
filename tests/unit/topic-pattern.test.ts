/**
 * Topic patterns are matched in linear time and mean what JavaScript's RegExp makes of them for
 * every topic name: compared with the runtime's own engine over generated patterns and names.
 */
import { expect, test } from "bun:test";
import fc from "fast-check";
import { maxStates } from "../../src/config/pattern-automaton.ts";
import { topicAlphabet } from "../../src/config/pattern-syntax.ts";
import { patternProblem, topicPattern } from "../../src/config/pattern.ts";

const asJavaScript = (pattern: string) => new RegExp(`^(?:${pattern})$`);

// Atoms that exercise the syntax: literals, every escape form and the web-compatibility
// (Annex B) readings: `\a` is a, `a{` and `]` are literals, `\55` is octal for -, `[\d-z]` is
// three atoms, `[[:alpha:]]` is a class and a ], `\k` is k without named groups.
const atoms = [
  ..."aAbB_-.09zZ",
  ...["\\d", "\\D", "\\w", "\\W", "\\s", "\\S", "\\.", "\\-", "\\_", "\\a", "\\z", "\\Z", "\\p", "\\k"],
  ...["\\x41", "\\x2d", "\\x2", "\\u0062", "\\u62", "\\cA", "\\c1", "\\0", "\\1", "\\8", "\\12", "\\55", "\\101"],
  ...["[a-c]", "[^a]", "[\\d-z]", "[a-]", "[-a]", "[]", "[^]", "[\\w.]", "[^\\W]", "[A-z]", "[\\b]", "[\\c_]"],
  ...["[.-_]", "[[:alpha:]]", "[\\x41-\\x43]", "[\\55]", "{", "}", "]", "a{", "x{,2}", "\\b", "\\B", "^", "$"],
  ...["(?:a|b)", "(a)", "(?<n>b)", "(?i:a)", "(?i:[a-c])", "(?i:[^a])", "(?-i:A)", "(?i:\\W)", "(?i:(?-i:a)b)"],
];
const quantifiers = ["", "*", "+", "?", "{2}", "{1,}", "{0,3}", "*?", "{2,3}?", "+?"];
const term = fc
  .tuple(fc.constantFrom(...atoms), fc.constantFrom(...quantifiers))
  .map(([atom, quantifier]) => (/^[\^$]$|^\\[bB]$/.test(atom) ? atom : atom + quantifier));
const { pattern } = fc.letrec<{ pattern: string; group: string }>((tie) => ({
  pattern: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.array(fc.oneof(term, tie("group")), { minLength: 1, maxLength: 4 }).map((terms) => terms.join("")),
    fc.tuple(tie("pattern"), tie("pattern")).map(([a, b]) => `${a}|${b}`),
  ),
  group: fc
    .tuple(fc.constantFrom("(", "(?:", "(?i:"), tie("pattern"), fc.constantFrom(")", ")*", ")+", ")?", "){2}"))
    .map(([open, body, close]) => open + body + close),
}));
const topicName = fc.string({
  unit: fc.oneof(fc.constantFrom(..."aAbB_-.09zZ"), fc.constantFrom(...topicAlphabet)),
  minLength: 1,
  maxLength: 8,
});
const validJavaScript = (p: string) => {
  try {
    new RegExp(p);
    return true;
  } catch {
    return false;
  }
};

test("a pattern matches exactly the topic names JavaScript's RegExp matches", () => {
  fc.assert(
    fc.property(pattern.filter(validJavaScript), fc.array(topicName, { minLength: 1, maxLength: 20 }), (p, names) => {
      const problem = patternProblem(p);
      if (problem !== undefined) {
        expect(problem).toMatch(/backreference|more than \d+ states/);
        return;
      }
      const compiled = topicPattern(p);
      const js = asJavaScript(p);
      for (const name of names) expect([p, name, compiled.matches(name)]).toEqual([p, name, js.test(name)]);
    }),
    { numRuns: 1000 },
  );
}, 60_000);

test.each([
  ["orders-.*", ["orders-eu", "orders-"], ["orders", "xorders-eu"]],
  ["orders|audit\\.log", ["orders", "audit.log"], ["orders2", "audit-log"]],
  ["\\a\\z", ["az"], ["\\a\\z"]],
  ["\\55", ["-"], ["55"]],
  ["[\\d-z]+", ["1-z", "z"], ["a"]],
  ["(?i:orders)-EU", ["ORDERS-EU", "orders-EU"], ["orders-eu"]],
  ["\\bab\\B.", ["abc", "ab_"], ["ab-", "ab."]],
  ["\\8\\1", [], ["8", "81"]],
  ["a\\k", ["ak"], ["a"]],
])("%s: the documented syntax, with Annex B's readings", (source, matching, other) => {
  const compiled = topicPattern(source);
  for (const name of matching) expect([name, compiled.matches(name)]).toEqual([name, true]);
  for (const name of other) expect([name, compiled.matches(name)]).toEqual([name, false]);
  for (const name of [...matching, ...other].filter((n) => /^[a-zA-Z0-9._-]+$/.test(n)))
    expect(compiled.matches(name)).toBe(asJavaScript(source).test(name));
});

test("(a+)+ and its kind decide over hundreds of names where backtracking takes seconds each", () => {
  const names = Array.from({ length: 500 }, (_, i) => `${"a".repeat(40)}_${i}`);
  // Backtracking tries the first alternative 2^40 ways on each name; JavaScriptCore gives up
  // after about 0.5 s and answers no, though the second alternative matches.
  const compiled = topicPattern("(a+)+_x|a+_1[0-9]*");
  expect(names.filter((name) => compiled.matches(name))).toEqual(names.filter((name) => /^a+_1[0-9]*$/.test(name)));
  for (const evil of ["(a+)+", "(a|a)*", "(a|aa)+", "(.*a){20}", "(.?){0,300}a"]) {
    expect(names.filter((name) => topicPattern(evil).matches(name))).toEqual([]);
  }
});

test("a name with a character no topic name may hold matches no pattern", () => {
  expect(topicPattern(".*").matches("orders eu")).toBe(false);
  expect(topicPattern("[^a]*").matches("ü")).toBe(false);
});

test.each([
  [
    "(?!internal-).*",
    'uses a negative lookahead, "(?!…)": topic patterns are matched in linear time, which rules out lookarounds and backreferences; to leave topics out, use topic_exclude_pattern',
  ],
  [
    "orders(?=-eu).*",
    'uses a lookahead, "(?=…)": topic patterns are matched in linear time, which rules out lookarounds and backreferences',
  ],
  [
    "(?<=x)a",
    'uses a lookbehind, "(?<=…)": topic patterns are matched in linear time, which rules out lookarounds and backreferences',
  ],
  [
    "(a)\\1",
    'uses a backreference, "\\1": topic patterns are matched in linear time, which rules out lookarounds and backreferences',
  ],
  [
    "(?<x>a)\\k<x>",
    'uses a backreference, "\\k<…>": topic patterns are matched in linear time, which rules out lookarounds and backreferences',
  ],
  [
    "(.*){0,400}",
    `expands to more than ${maxStates} states (a repetition copies what it repeats): topic patterns are matched in linear time, which bounds their size`,
  ],
  [
    "a{1001}",
    `expands to more than ${maxStates} states (a repetition copies what it repeats): topic patterns are matched in linear time, which bounds their size`,
  ],
  ["orders(", "must be a valid regular expression (JavaScript syntax)"],
])("%s is refused, saying why", (source, problem) => {
  expect(patternProblem(source)).toBe(problem);
});

test("any pattern of at most 1000 characters without counted repetitions fits", () => {
  const alternation = Array.from({ length: 200 }, (_, i) => `topic-${i}`)
    .join("|")
    .slice(0, 1000);
  expect(patternProblem(alternation.replace(/\|[^|]*$/, ""))).toBeUndefined();
  expect(patternProblem("a".repeat(1000))).toBeUndefined();
  expect(patternProblem("(a*)+".repeat(200))).toBeUndefined();
  expect(patternProblem("a{1000}")).toBeUndefined();
});
