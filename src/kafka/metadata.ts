/**
 * One Metadata request for named topics, answered topic by topic.
 *
 * The library's `metadata()` fails the whole request when one topic is unknown, and retries it
 * first (~0.8 s): learning which of N catalog streams have no topic took N requests, one after
 * another (issue 18). Here the library's own Metadata API (the version it negotiated) is sent
 * once, on its bootstrap connection, and a topic's error code is read as that topic's answer.
 * `allow_auto_topic_creation` is always false: a read must never create the topics it asks about.
 */
import { kGetApi, kGetBootstrapConnection, ResponseError, TimeoutError, type Consumer } from "@platformatic/kafka";

export type MetadataPartition = { partitionIndex: number; errorCode: number; leaderId: number; leaderEpoch: number };
export type MetadataTopic = { name: string; errorCode: number; topicId: string; partitions: MetadataPartition[] };
export type MetadataResponse = { topics: MetadataTopic[] };

type Callback<T> = (error: Error | null, value?: T) => void;
type MetadataApi = ((
  connection: unknown,
  topics: string[],
  autocreate: boolean,
  authorizedOperations: boolean,
  callback: Callback<MetadataResponse>,
) => void) & {
  version: number;
};
type Internals = {
  [kGetBootstrapConnection]: (callback: Callback<unknown>, attempt: number) => void;
  [kGetApi]: (name: string, callback: Callback<MetadataApi>) => void;
};

/**
 * The Metadata response for `names`, whatever error codes its topics carry (the caller reads
 * them). A request that fails itself (no connection) is tried `retries` more times, `delayMs`
 * apart, each on the next bootstrap broker, as the library's own requests are.
 */
export async function requestMetadata(
  consumer: Consumer,
  names: string[],
  retries = 3,
  delayMs = 250,
): Promise<MetadataResponse> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestOnce(consumer as unknown as Internals, names, attempt);
    } catch (error) {
      // A broker that took the request and never answered would cost its whole timeout again.
      if (attempt >= retries || error instanceof TimeoutError) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}

function requestOnce(client: Internals, names: string[], attempt: number): Promise<MetadataResponse> {
  return new Promise((resolve, reject) => {
    client[kGetBootstrapConnection]((error, connection) => {
      if (error) return reject(error);
      client[kGetApi]("Metadata", (error, api) => {
        if (error || !api) return reject(error ?? new Error("the broker offers no Metadata API"));
        api(connection, names, false, false, (error, response) => {
          // Topic and partition errors make the library's parse throw, with the response attached.
          const parsed =
            error instanceof ResponseError
              ? (error as ResponseError & { response?: MetadataResponse }).response
              : response;
          if (!parsed) return reject(error);
          // Before v10 topics have no ids; the library stands their names in for them.
          if (api.version <= 8) for (const topic of parsed.topics) topic.topicId = topic.name;
          resolve(parsed);
        });
      });
    }, attempt);
  });
}
