/**
 * Scraping the connector's /metrics, /healthz and /readyz as Prometheus and Kubernetes do (HTTP
 * GETs), and reading the samples of a scrape. The format itself is checked by Prometheus's own
 * parser and linter (tests/support/promlint, in tests/dist/metrics-format.test.ts); this reads
 * back the lines the connector writes: `name{label="value",…} number`.
 */

export type Sample = { labels: Record<string, string>; value: number };
export type Scrape = Map<string, Sample[]>;

export async function get(port: number, path: string): Promise<{ status: number; body: string; type: string | null }> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return { status: response.status, body: await response.text(), type: response.headers.get("content-type") };
}

/** One scrape of /metrics, by metric name. */
export async function scrape(port: number): Promise<Scrape> {
  const { status, body } = await get(port, "/metrics");
  if (status !== 200) throw new Error(`/metrics answered ${status}: ${body}`);
  return parseMetrics(body);
}

export function parseMetrics(text: string): Scrape {
  const samples: Scrape = new Map();
  for (const line of text.split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const [, name, labelText = "", value] = match;
    const labels: Record<string, string> = {};
    for (const [, key, raw] of labelText.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
      labels[key!] = raw!.replace(/\\(.)/g, (_, c) => (c === "n" ? "\n" : c));
    const list = samples.get(name!) ?? [];
    list.push({ labels, value: value === "+Inf" ? Number.POSITIVE_INFINITY : Number(value) });
    samples.set(name!, list);
  }
  return samples;
}

/** The value of `name`'s sample whose labels include `labels`; undefined when there is none. */
export function value(scrape: Scrape, name: string, labels: Record<string, string> = {}): number | undefined {
  return scrape.get(name)?.find((s) => Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value;
}

/** Each partition's value of a per-partition metric of `topic`, by partition number. */
export function byPartition(scrape: Scrape, name: string, topic: string): Map<number, number> {
  return new Map(
    (scrape.get(name) ?? []).filter((s) => s.labels.topic === topic).map((s) => [Number(s.labels.partition), s.value]),
  );
}

/** Resolves once GET `path` answers `status`; rejects after `ms`, or at once if `alive()` says the process is gone. */
export async function untilStatus(port: number, path: string, status: number, alive: () => boolean, ms = 30_000) {
  const deadline = Date.now() + ms;
  let last = "nothing";
  for (;;) {
    if (!alive()) throw new Error(`the connector exited while waiting for ${path} to answer ${status} (last: ${last})`);
    try {
      const answer = await get(port, path);
      if (answer.status === status) return answer;
      last = `${answer.status} ${answer.body.trim()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    if (Date.now() > deadline) throw new Error(`${path} did not answer ${status} within ${ms} ms (last: ${last})`);
    await Bun.sleep(50);
  }
}

/** True when nothing listens on the port any more (the connection is refused). */
export async function refused(port: number): Promise<boolean> {
  return fetch(`http://127.0.0.1:${port}/healthz`).then(
    () => false,
    () => true,
  );
}
