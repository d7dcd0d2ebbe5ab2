/**
 * The Fetch request and response (versions 12 to 17), read with their record batches left as bytes.
 *
 * The client library would parse every record of a response into objects of its own as it
 * arrives; the read path parses them itself (record-batches.ts), more cheaply, from the bytes
 * fetch-connection.ts receives. The request is the library's own encoding of each version; the
 * response is read here field by field as the library reads it, except for the records.
 *
 * Fetches are sessionless (session id 0, epoch -1: KIP-227's full fetch, which opens no session
 * on the broker): each names every partition it wants, which a worker does anyway.
 *
 * Versions 12-17 cover Kafka 2.7 and later. v12 (Kafka 2.7-3.0) names topics, in the request and
 * in the response; v13 and later (Kafka 3.1+) give their ids. The caller asks `fetchVersion` and
 * sends names itself where the broker wants them (client.ts).
 * The library is pinned to one version in package.json: this leans on how it picks its APIs.
 */
import {
  Reader,
  fetchV12,
  fetchV13,
  fetchV14,
  fetchV15,
  fetchV16,
  fetchV17,
  kGetApi,
  readKnownTaggedFields,
  type Consumer,
  type Writer,
} from "@platformatic/kafka";
import { perFetchCode } from "./per-fetch-code.ts";

/** The oldest Fetch version read here (Kafka 2.7). */
export const oldestFetchVersion = 12;

/** The first Fetch version that names topics by id (Kafka 3.1); older ones carry names. */
export const firstFetchVersionWithTopicIds = 13;

/** A partition of the response, as the library's parse reads it but with `recordBytes` for its `records`. */
export type RawFetchPartition = {
  partitionIndex: number;
  errorCode: number;
  highWatermark: bigint;
  lastStableOffset: bigint;
  logStartOffset: bigint;
  abortedTransactions: { producerId: bigint; firstOffset: bigint }[] | null;
  preferredReadReplica: number;
  /** The partition's record batches as the broker sent them (a view into the response); null when it sent none. */
  recordBytes: Buffer | null;
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

type CreateRequest = (
  maxWaitMs: number,
  minBytes: number,
  maxBytes: number,
  isolationLevel: number,
  sessionId: number,
  sessionEpoch: number,
  topics: FetchTopic[],
  forgottenTopicsData: never[],
  rackId: string,
) => Writer;

/** A topic of a Fetch request: `topicId` is its id from v13 on, its name before. */
export type FetchTopic = {
  topicId: string;
  partitions: {
    partition: number;
    currentLeaderEpoch: number;
    fetchOffset: bigint;
    lastFetchedEpoch: number;
    partitionMaxBytes: number;
  }[];
};

const requests: Record<number, CreateRequest> = {
  12: fetchV12.createRequest as never,
  13: fetchV13.createRequest as never,
  14: fetchV14.createRequest as never,
  15: fetchV15.createRequest as never,
  16: fetchV16.createRequest as never,
  17: fetchV17.createRequest as never,
};

const readCommitted = 1;
const noSession = { id: 0, epoch: -1 };

/** The body of a sessionless, read_committed Fetch request of `version` (12-17). */
export function fetchRequestBody(
  version: number,
  topics: FetchTopic[],
  limits: { maxWaitMs: number; maxBytes: number },
  rackId: string,
): Writer {
  const create = requests[version];
  if (!create) throw new BrokerTooOldError(tooOld(version));
  return create(limits.maxWaitMs, 1, limits.maxBytes, readCommitted, noSession.id, noSession.epoch, topics, [], rackId);
}

const tooOld = (version: number) =>
  `the broker offers Fetch up to v${version}; source-kafka needs v${oldestFetchVersion} or later (Kafka 2.7+)`;

/**
 * The Fetch version to send, from the versions the broker offers (the newest the library knows);
 * rejects with BrokerTooOldError when it is older than v12. The library asks the broker once per
 * client and keeps the answer, so this costs nothing after the first call.
 */
export function fetchVersion(consumer: Consumer): Promise<number> {
  const target = consumer as unknown as Record<
    symbol,
    (name: string, callback: (error: Error | null, api?: { version: number }) => void) => void
  >;
  return new Promise((resolve, reject) =>
    libraryGetApi(target).call(target, "Fetch", (error, api) => {
      if (error || !api) return reject(error);
      if (!requests[api.version]) return reject(new BrokerTooOldError(tooOld(api.version)));
      resolve(api.version);
    }),
  );
}

/**
 * A Fetch response of `version`, from the bytes after its correlation id. Partition errors are
 * left in the partitions for the caller; a response that does not parse throws (a RangeError or
 * the library's reader's error).
 */
export function parseFetchResponse(version: number, bytes: Uint8Array): RawFetchResponse {
  // A Buffer view, not a copy: the library's reader takes Buffers, and the records are sliced from it as views.
  const reader = Reader.from(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length));
  // The response header's tagged fields (header v1).
  readKnownTaggedFields(reader, {});
  const response: RawFetchResponse = {
    throttleTimeMs: reader.readInt32(),
    errorCode: reader.readInt16(),
    sessionId: reader.readInt32(),
    nodeEndpoints: [],
    responses: reader.readArray((r) => readTopic(r, version)),
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
  return response;
}

type RawTopic = RawFetchResponse["responses"][number];

/** One topic of the response, with its partitions. */
function readTopic(r: Reader, version: number): RawTopic {
  return {
    // v12 names the topic (the caller maps it back to the id it asked for).
    topicId: version >= firstFetchVersionWithTopicIds ? r.readUUID() : r.readString(),
    partitions: r.readArray(readPartition, true, false),
  };
}

/** One partition of the response: its offsets and errors, and its record batches as bytes. */
function readPartition(r: Reader): RawFetchPartition {
  const partition: RawFetchPartition = {
    partitionIndex: r.readInt32(),
    errorCode: r.readInt16(),
    highWatermark: r.readInt64(),
    lastStableOffset: r.readInt64(),
    logStartOffset: r.readInt64(),
    abortedTransactions: r.readNullableArray(readAbortedTransaction),
    preferredReadReplica: r.readInt32(),
    recordBytes: null,
  };
  // COMPACT_RECORDS: the length plus one; 0 is null.
  const size = r.readUnsignedVarInt() - 1;
  if (size > 0) {
    if (r.position + size > r.length) throw new RangeError("the records run past the end of the response");
    partition.recordBytes = r.buffer.slice(r.position, r.position + size);
    r.skip(size);
  }
  // diverging_epoch, current_leader, snapshot_id: not used by a reader that names offsets itself.
  readKnownTaggedFields(r, {});
  return partition;
}

function readAbortedTransaction(r: Reader): { producerId: bigint; firstOffset: bigint } {
  return { producerId: r.readInt64(), firstOffset: r.readInt64() };
}

// Once per fetch: kept out of the optimising tier, whose compile of them is the backlog's peak.
perFetchCode(parseFetchResponse, readTopic, readPartition);

/** The library's API lookup, which the pinned version has; another version may not (0002). */
function libraryGetApi<T>(target: Record<symbol, T>): T {
  const getApi = target[kGetApi];
  if (!getApi)
    throw new Error("the Kafka client library has no kGetApi: it is not the pinned version (docs/decisions/0002)");
  return getApi;
}
