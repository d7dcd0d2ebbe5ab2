/**
 * `check`: can the connector reach the cluster and list its topics with this config? The answer
 * is a CONNECTION_STATUS either way (as Airbyte's own connectors do), naming what failed.
 */
import { loadConfig } from "../config/load.ts";
import { oneLine } from "../errors.ts";
import { KafkaClient } from "../kafka/client.ts";
import { connectionStatusMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";

export async function check(configPath: string): Promise<void> {
  let message: string | undefined;
  try {
    const config = loadConfig(configPath);
    const client = new KafkaClient(config);
    try {
      const deadline = config.connect_timeout_ms * 3 + 5000;
      const topics = await withDeadline(client.topicNames(false), deadline, `no answer from ${config.bootstrap_servers} within ${deadline} ms`);
      await withDeadline(client.ensureReadable(), deadline, `no answer from ${config.bootstrap_servers} within ${deadline} ms`);
      message = `connected to ${config.bootstrap_servers}; ${topics.length} topics visible`;
    } finally {
      await client.close();
    }
  } catch (error) {
    await emit(connectionStatusMessage(false, oneLine(error)));
    return;
  }
  await emit(connectionStatusMessage(true, message));
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
