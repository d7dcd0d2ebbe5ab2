/** The topic selection: which names topics, topic_pattern, topic_exclude_pattern and include_internal_topics cover. */
import { expect, test } from "bun:test";
import { parseConfig } from "../../src/config/load.ts";
import { selects, topicSelection } from "../../src/config/topics.ts";

const names = ["orders", "orders-dlq", "orders-eu", "payments", "audit.log", "__consumer_offsets", "__orders"];
const selected = (fields: Record<string, unknown>) => {
  const selection = topicSelection(parseConfig({ bootstrap_servers: "b:9092", ...fields }));
  return names.filter((name) => selects(selection, name));
};

test("without a selection: every topic but the internal ones, unless asked", () => {
  expect(selected({})).toEqual(["orders", "orders-dlq", "orders-eu", "payments", "audit.log"]);
  expect(selected({ include_internal_topics: true })).toEqual(names);
});

test("topics and topic_pattern select together; the pattern must match the whole name", () => {
  expect(selected({ topics: ["payments"] })).toEqual(["payments"]);
  expect(selected({ topic_pattern: "orders" })).toEqual(["orders"]);
  expect(selected({ topic_pattern: "orders-.*" })).toEqual(["orders-dlq", "orders-eu"]);
  expect(selected({ topics: ["payments"], topic_pattern: "orders.*" })).toEqual([
    "orders",
    "orders-dlq",
    "orders-eu",
    "payments",
  ]);
  // An alternation stays anchored as a whole.
  expect(selected({ topic_pattern: "orders|audit\\.log" })).toEqual(["orders", "audit.log"]);
});

test("topic_exclude_pattern removes, even what topics lists; internal topics need include_internal_topics", () => {
  expect(selected({ topic_exclude_pattern: ".*-dlq" })).toEqual(["orders", "orders-eu", "payments", "audit.log"]);
  expect(selected({ topics: ["orders-dlq", "orders"], topic_exclude_pattern: ".*-dlq" })).toEqual(["orders"]);
  expect(selected({ topic_pattern: ".*orders.*" })).toEqual(["orders", "orders-dlq", "orders-eu"]);
  expect(selected({ topic_pattern: ".*orders.*", include_internal_topics: true })).toEqual([
    "orders",
    "orders-dlq",
    "orders-eu",
    "__orders",
  ]);
});

test.each([
  [{ topic_pattern: "orders(" }, "config: topic_pattern must be a valid regular expression (JavaScript syntax)"],
  [{ topic_pattern: "a)|(b" }, "config: topic_pattern must be a valid regular expression (JavaScript syntax)"],
  [
    { topic_exclude_pattern: "[z-a]" },
    "config: topic_exclude_pattern must be a valid regular expression (JavaScript syntax)",
  ],
  [{ topic_pattern: "" }, "config: topic_pattern must not be empty"],
  [{ topics: [] }, "config: topics must list at least one topic; leave it out to select every topic"],
  [{ topics: "orders" }, "config: topics must be Array, got string"],
  [{ topics: ["orders", "bad name"] }, "config: topics.1 must be a topic name: 1-249 letters, digits, '.', '_' or '-'"],
  [
    { topics: ["orders", "__consumer_offsets"] },
    "config: topics lists the internal topic __consumer_offsets, which is left out unless include_internal_topics is true",
  ],
])("%j is a config error naming the field", (fields, message) => {
  expect(() => parseConfig({ bootstrap_servers: "b:9092", ...fields })).toThrow(message);
});
