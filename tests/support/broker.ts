// Where tests find Kafka: $KAFKA_BOOTSTRAP (set by scripts/with-broker.ts or by hand),
// else the broker started by `bun run kafka:up`.
import { running } from "../../harness/kafka.ts";

export async function bootstrap(): Promise<string> {
  const fromEnv = process.env.KAFKA_BOOTSTRAP;
  if (fromEnv) return fromEnv;
  const cluster = await running();
  if (!cluster) {
    throw new Error(
      "No Kafka broker: set KAFKA_BOOTSTRAP, start one with `bun run kafka:up`, " +
        "or run the tests via `bun scripts/with-broker.ts <command>`",
    );
  }
  return cluster.listeners.PLAINTEXT!.address;
}
