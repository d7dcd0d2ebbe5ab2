/**
 * The Prometheus text exposition format (version 0.0.4), as Prometheus and every scraper that
 * speaks it reads: per metric family a `# HELP` and a `# TYPE` line, then one line per sample,
 * `name{label="value",…} number`. Label values escape `\`, `"` and newlines; help text `\` and
 * newlines. A histogram's buckets are cumulative and end with `le="+Inf"`, then `_sum` and `_count`.
 *
 * @example
 * const out = new Exposition();
 * out.family("source_kafka_records_total", "counter", "Records written.", [[{ topic: "orders" }, 3]]);
 * out.text(); // '# HELP source_kafka_records_total Records written.\n# TYPE … counter\nsource_kafka_records_total{topic="orders"} 3\n'
 */

export type Labels = Readonly<Record<string, string>>;
export type Sample = readonly [labels: Labels, value: number];

/** The media type of the text format, for the Content-Type of a scrape's answer. */
export const contentType = "text/plain; version=0.0.4; charset=utf-8";

export class Exposition {
  readonly #lines: string[] = [];

  /** A counter or gauge family and its samples (none: the family is described, with no sample yet). */
  family(name: string, type: "counter" | "gauge", help: string, samples: Iterable<Sample>): void {
    this.#head(name, type, help);
    for (const [labels, value] of samples) this.#lines.push(`${name}${labelText(labels)} ${numberText(value)}`);
  }

  /**
   * A histogram without labels: `counts[i]` observations fell in bucket i (at most `bounds[i]`,
   * above the one before), and `counts[bounds.length]` above the last bound.
   */
  histogram(name: string, help: string, bounds: readonly number[], counts: readonly number[], sum: number): void {
    this.#head(name, "histogram", help);
    let cumulative = 0;
    for (const [i, bound] of bounds.entries()) {
      cumulative += counts[i] ?? 0;
      this.#lines.push(`${name}_bucket{le="${numberText(bound)}"} ${cumulative}`);
    }
    cumulative += counts[bounds.length] ?? 0;
    this.#lines.push(
      `${name}_bucket{le="+Inf"} ${cumulative}`,
      `${name}_sum ${numberText(sum)}`,
      `${name}_count ${cumulative}`,
    );
  }

  /** Everything so far, one line each, ending with a newline. */
  text(): string {
    return this.#lines.length === 0 ? "" : `${this.#lines.join("\n")}\n`;
  }

  #head(name: string, type: string, help: string): void {
    this.#lines.push(`# HELP ${name} ${help.replace(/\\/g, "\\\\").replace(/\n/g, "\\n")}`, `# TYPE ${name} ${type}`);
  }
}

function labelText(labels: Labels): string {
  const pairs = Object.entries(labels).map(
    ([name, value]) => `${name}="${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`,
  );
  return pairs.length === 0 ? "" : `{${pairs.join(",")}}`;
}

/** A sample's value: Go's ParseFloat reads what JavaScript prints, except for the infinities' and NaN's names. */
function numberText(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "+Inf";
  if (value === Number.NEGATIVE_INFINITY) return "-Inf";
  return String(value);
}
