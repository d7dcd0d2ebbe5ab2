/**
 * Real Kafka transactions for tests, written by the client library's transactional producer:
 * begin, send, then commit or abort — or leave open, to hold back the last stable offset.
 */
import { Producer } from "@platformatic/kafka";

export type Transactional = {
  /** Sends `values` (key k-<value>) to `partition` in a new transaction, acked by the broker, and leaves it open. */
  begin: (partition: number, values: string[]) => Promise<void>;
  commit: () => Promise<void>;
  abort: () => Promise<void>;
  close: () => Promise<void>;
};

export async function transactionalProducer(bootstrap: string, topic: string): Promise<Transactional> {
  const producer = new Producer({
    clientId: "tests-transactions",
    bootstrapBrokers: [bootstrap],
    idempotent: true,
    transactionalId: `tests-${topic}`,
    autocreateTopics: false,
  });
  let open: Awaited<ReturnType<typeof producer.beginTransaction>> | undefined;
  const current = () => {
    if (!open) throw new Error("no open transaction");
    const transaction = open;
    open = undefined;
    return transaction;
  };
  return {
    async begin(partition, values) {
      open = await producer.beginTransaction();
      await open.send({
        acks: -1,
        messages: values.map((v) => ({ topic, partition, key: Buffer.from(`k-${v}`), value: Buffer.from(v) })),
      });
    },
    commit: () => current().commit(),
    abort: () => current().abort(),
    async close() {
      if (open) await current().abort();
      await producer.close();
    },
  };
}
