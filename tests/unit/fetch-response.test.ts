/**
 * Which Fetch API the consumer gets once the raw-records parse is installed: the broker's
 * newest version when it is 12-17, a clear error below that. (Every read test against the real
 * broker goes through the parse itself.)
 */
import { expect, test } from "bun:test";
import { kGetApi } from "@platformatic/kafka";
import { BrokerTooOldError, useRawFetch } from "../../src/kafka/fetch-response.ts";

type Callback = (error: Error | null, api?: { key: number; version: number }) => void;

/** The Fetch API a consumer whose broker offers up to `version` ends up with. */
function fetchApiFor(version: number): Promise<{ key: number; version: number }> {
  const library = { [kGetApi]: (_name: string, callback: Callback) => callback(null, { key: 1, version }) };
  useRawFetch(library as never);
  return new Promise((resolve, reject) =>
    library[kGetApi]("Fetch", (error, api) => (error ? reject(error) : resolve(api!))),
  );
}

test("Fetch v12 to v17 are read raw, at the version the broker offers", async () => {
  for (const version of [12, 13, 16, 17]) {
    const api = await fetchApiFor(version);
    expect([api.key, api.version]).toEqual([1, version]);
  }
});

test("a broker without Fetch v12 (older than Kafka 2.7) is told apart, by name", async () => {
  const failure = await fetchApiFor(11).then(
    () => null,
    (error: Error) => error,
  );
  expect(failure).toBeInstanceOf(BrokerTooOldError);
  expect(failure!.message).toBe("the broker offers Fetch up to v11; source-kafka needs v12 or later (Kafka 2.7+)");
});
