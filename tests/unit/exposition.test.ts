/** The Prometheus text format as written: families, escaping, numbers and cumulative histogram buckets. */
import { expect, test } from "bun:test";
import { Exposition } from "../../src/metrics/exposition.ts";

test("writes HELP and TYPE per family, then a line per sample with escaped label values", () => {
  const out = new Exposition();
  out.family("source_kafka_records_total", "counter", 'Records\\ written\n"now"', [
    [{ topic: 'a"b\\c\nd' }, 3],
    [{ topic: "plain" }, 0.5],
  ]);
  out.family("source_kafka_workers", "gauge", "Workers.", [[{}, 2]]);
  out.family("source_kafka_last_state_age_seconds", "gauge", "None yet.", []);
  out.family("odd", "gauge", "Odd values.", [
    [{ k: "nan" }, Number.NaN],
    [{ k: "inf" }, Number.POSITIVE_INFINITY],
    [{ k: "-inf" }, Number.NEGATIVE_INFINITY],
    [{ k: "big" }, 2 ** 53],
  ]);
  expect(out.text()).toBe(
    [
      '# HELP source_kafka_records_total Records\\\\ written\\n"now"',
      "# TYPE source_kafka_records_total counter",
      'source_kafka_records_total{topic="a\\"b\\\\c\\nd"} 3',
      'source_kafka_records_total{topic="plain"} 0.5',
      "# HELP source_kafka_workers Workers.",
      "# TYPE source_kafka_workers gauge",
      "source_kafka_workers 2",
      "# HELP source_kafka_last_state_age_seconds None yet.",
      "# TYPE source_kafka_last_state_age_seconds gauge",
      "# HELP odd Odd values.",
      "# TYPE odd gauge",
      'odd{k="nan"} NaN',
      'odd{k="inf"} +Inf',
      'odd{k="-inf"} -Inf',
      'odd{k="big"} 9007199254740992',
      "",
    ].join("\n"),
  );
});

test("a histogram's buckets are cumulative, end at +Inf and match its count", () => {
  const out = new Exposition();
  out.histogram("fetch_seconds", "Fetches.", [0.01, 0.1, 1], [2, 0, 5, 1], 3.25);
  expect(out.text()).toBe(
    [
      "# HELP fetch_seconds Fetches.",
      "# TYPE fetch_seconds histogram",
      'fetch_seconds_bucket{le="0.01"} 2',
      'fetch_seconds_bucket{le="0.1"} 2',
      'fetch_seconds_bucket{le="1"} 7',
      'fetch_seconds_bucket{le="+Inf"} 8',
      "fetch_seconds_sum 3.25",
      "fetch_seconds_count 8",
      "",
    ].join("\n"),
  );
});
