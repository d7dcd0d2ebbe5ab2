/**
 * The Fetch response (versions 12 to 17) read with its record batches left as bytes.
 *
 * The client library parses every record of a response into objects as it arrives; the read path
 * parses them itself (record-batches.ts), more cheaply. So the library's Fetch API is swapped, on
 * our consumer only, for one that sends the library's own request and reads the response the way
 * the library does (same fields, same partition errors) except for the records, which stay bytes.
 * Sessions, retries, metadata and connections all remain the library's.
 *
 * Versions 12-17 cover Kafka 2.7 and later. v12 (Kafka 2.7-3.0) names topics, in the request and
 * in the response; v13 and later (Kafka 3.1+) give their ids. The library maps ids to names on v12
 * only for topics its consumer tracks in a group, which ours never does: the caller asks
 * `fetchVersion` and sends names itself where the broker wants them (client.ts).
 * The library is pinned to one version in package.json: this leans on how it picks its APIs.
 */
import {
  ResponseError,
  createAPI,
  fetchV12,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  kGetApi,
  readKnownTaggedFields,
  type Consumer,
  type Reader,
} from "@platformatic/kafka";

/** The oldest Fetch version read here (Kafka 2.7). */
export const oldestFetchVersion = 12;

/** The first Fetch version that names topics by id (Kafka 3.1); older ones carry names. */
export const firstFetchVersionWithTopicIds = 13;

/** A partition of the response: what the library's parse gives, with `recordBytes` for its `records`. */
export type RawFetchPartition = {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null;
  preferredReadReplica: number;
  /** The partition's record batches as the broker sent them; null when it sent none. */
  recordBytes: Buffer | null;
  /** Always null: `recordBytes` holds the records. Kept so the library's own filtering skips them. */
  records: null;
};

export type RawFetchResponse = {
  throttleTimeMs: number;
  errorCode: number;
  sessionId: number;
  responses: { topicId: string; partitions: RawFetchPartition[] }[];
  nodeEndpoints: { nodeId: number; host: string; port: number; rack: string | null }[];
};

/** The broker offers no Fetch version this connector reads. */
export class BrokerTooOldError extends Error {
  override name = "BrokerTooOldError";
}

const requests: Record<number, { createRequest: (...args: never[]) => unknown }> = {
  12: fetchV12,
  13: fetchV13,
  14: fetchV14,
  15: fetchV15,
  16: fetchV16,
  17: fetchV17,
};

const apis = new Map(
  Object.entries(requests).map(([version, module]) => [
    Number(version),
    createAPI(1, Number(version), module.createRequest as never, parseFetchResponse),
  ]),
);

/**
 * Makes `consumer` fetch with the raw-records API. A broker whose newest Fetch version is older
 * than v12 makes the fetch fail with BrokerTooOldError.
 */
export function useRawFetch(consumer: Consumer): void {
  const target = consumer as unknown as Record<
    symbol,
    (name: string, callback: (error: Error | null, api?: { version: number }) => void) => void
  >;
  const getApi = libraryGetApi(target).bind(consumer);
  target[kGetApi] = (name, callback) => {
    if (name !== "Fetch") return getApi(name, callback);
    getApi(name, (error, api) => {
      if (error || !api) return callback(error);
      const raw = apis.get(api.version);
      if (!raw)
        return callback(
          new BrokerTooOldError(
            `the broker offers Fetch up to v${api.version}; source-kafka needs v${oldestFetchVersion} or later (Kafka 2.7+)`,
          ),
        );
      callback(null, raw);
    });
  };
}

/**
 * The Fetch version `consumer` will send (after `useRawFetch`), from the versions the broker
 * offers; rejects with BrokerTooOldError when none is read here. The library asks the broker once
 * per client and keeps the answer, so this costs nothing after the first call.
 */
export function fetchVersion(consumer: Consumer): Promise<number> {
  const target = consumer as unknown as Record<
    symbol,
    (name: string, callback: (error: Error | null, api?: { version: number }) => void) => void
  >;
  return new Promise((resolve, reject) =>
    libraryGetApi(target)("Fetch", (error, api) => (error || !api ? reject(error) : resolve(api.version))),
  );
}

function parseFetchResponse(
  _correlationId: number,
  apiKey: number,
  apiVersion: number,
  reader: Reader,
): RawFetchResponse {
  const errors: [string, [number, null]][] = [];
  const throttleTimeMs = reader.readInt32();
  const errorCode = reader.readInt16();
  if (errorCode !== 0) errors.push(["", [errorCode, null]]);
  const response: RawFetchResponse = {
    throttleTimeMs,
    errorCode,
    sessionId: reader.readInt32(),
    nodeEndpoints: [],
    responses: reader.readArray((r, i) => ({
      // v12 names the topic (the caller maps it back to the id it asked for).
      topicId: apiVersion >= firstFetchVersionWithTopicIds ? r.readUUID() : r.readString(),
      partitions: r.readArray(
        (r, j) => {
          const partition: RawFetchPartition = {
            partitionIndex: r.readInt32(),
            errorCode: r.readInt16(),
            highWatermark: r.readInt64(),
            lastStableOffset: r.readInt64(),
            logStartOffset: r.readInt64(),
            abortedTransactions: r.readNullableArray((r) => ({
              producerId: r.readInt64(),
              firstOffset: r.readInt64(),
            })),
            preferredReadReplica: r.readInt32(),
            recordBytes: null,
            records: null,
          };
          if (partition.errorCode !== 0) errors.push([`/responses/${i}/partitions/${j}`, [partition.errorCode, null]]);
          // COMPACT_RECORDS: the length plus one; 0 is null.
          const size = r.readUnsignedVarInt() - 1;
          if (size > 0) {
            // A view when the bytes arrived in one socket chunk, else one copy.
            partition.recordBytes = r.buffer.slice(r.position, r.position + size);
            r.skip(size);
          }
          // diverging_epoch, current_leader, snapshot_id: not used by a reader that names offsets itself.
          readKnownTaggedFields(r, {});
          return partition;
        },
        true,
        false,
      ),
    })),
  };
  readKnownTaggedFields(reader, {
    0: (r: Reader) => {
      response.nodeEndpoints = r.readArray((r) => ({
        nodeId: r.readInt32(),
        host: r.readString(),
        port: r.readInt32(),
        rack: r.readNullableString(),
      }));
    },
  });
  if (errors.length > 0) throw new ResponseError(apiKey, apiVersion, Object.fromEntries(errors), response);
  return response;
}

/** The library's API lookup, which the pinned version has; another version may not (0002). */
function libraryGetApi<T>(target: Record<symbol, T>): T {
  const getApi = target[kGetApi];
  if (!getApi)
    throw new Error("the Kafka client library has no kGetApi: it is not the pinned version (docs/decisions/0002)");
  return getApi;
}
