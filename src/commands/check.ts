/**
 * `check`: can the connector reach the cluster and list its topics with this config? The answer
 * is a CONNECTION_STATUS either way (as Airbyte's own connectors do), naming what failed.
 */
import { loadConfig } from "../config/load.ts";
import { oneLine } from "../errors.ts";
import { KafkaClient } from "../kafka/client.ts";
import { connectionStatusMessage } from "../protocol/messages.ts";
import { emit } from "../protocol/output.ts";
import { openStatus } from "../terminal/status.ts";

export async function check(configPath: string, options: { quiet?: boolean } = {}): Promise<void> {
  let message: string | undefined;
  const status = openStatus(options);
  try {
    const config = loadConfig(configPath);
    const client = new KafkaClient(config);
    try {
      const deadline = config.connect_timeout_ms * 3 + 5000;
      status.step(`connecting to ${config.bootstrap_servers} and listing topics`);
      const topics = await withDeadline(client.topicNames(false), deadline, `no answer from ${config.bootstrap_servers} within ${deadline} ms`);
      status.step(`asking ${config.bootstrap_servers} which API versions it speaks`);
      await withDeadline(client.ensureReadable(), deadline, `no answer from ${config.bootstrap_servers} within ${deadline} ms`);
      message = `connected to ${config.bootstrap_servers}; ${topics.length} topics visible`;
    } finally {
      await client.close();
    }
  } catch (error) {
    status.end(`${status.style.red("✖")} ${oneLine(error)}`);
    await emit(connectionStatusMessage(false, oneLine(error)));
    return;
  }
  status.end(`${status.style.green("✔")} ${message}`);
  await emit(connectionStatusMessage(true, message));
}

function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
}
