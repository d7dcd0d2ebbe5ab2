/**
 * Hundreds of topics whose names make a backtracking regular expression engine take seconds per
 * name (issue 24): 40 a's, then `_`, the test's prefix and a number. Over each of them
 * `(a+)+_<prefix>-x` fails only after trying 2^40 ways to split the a's, so a selection by
 * `backtrackingPattern` took minutes in the compiled binary (JavaScriptCore gives up on each name
 * after ~0.5 s and answers "no match", wrongly for the names the second alternative matches) and
 * never ended under Deno (V8 does not give up).
 */
import { createTopics, deleteTopics } from "./many-topics.ts";

export const backtrackingTopicCount = 300;

export const backtrackingTopics = (prefix: string) =>
  Array.from({ length: backtrackingTopicCount }, (_, i) => `${"a".repeat(40)}_${prefix}-${i}`);

/** Selects the ten topics numbered 10 to 19, after the first alternative fails on every topic. */
export const backtrackingPattern = (prefix: string) => `(a+)+_${prefix}-x|a+_${prefix}-1[0-9]`;

export const backtrackingSelection = (prefix: string) =>
  backtrackingTopics(prefix).filter((_, i) => i >= 10 && i <= 19);

export const createBacktrackingTopics = (bootstrap: string, prefix: string) =>
  createTopics(bootstrap, backtrackingTopics(prefix), 1);

export const deleteBacktrackingTopics = (bootstrap: string, prefix: string) =>
  deleteTopics(bootstrap, backtrackingTopics(prefix));
