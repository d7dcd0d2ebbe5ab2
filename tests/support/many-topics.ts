/**
 * Many topics at once, for the scale tests: one CreateTopics request for all of them (one
 * request per topic would cost the single harness broker minutes), then one metadata request at
 * a time until every partition has a leader; and one DeleteTopics request to remove them, so that
 * the tests after them (discover's, whose catalog lists every topic) see a cluster of usual size.
 */
import { Admin } from "@platformatic/kafka";

export async function createTopics(bootstrap: string, names: string[], partitions: number): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: bootstrap.split(","), timeout: 120_000 });
  try {
    await admin.createTopics({ topics: names, partitions, replicas: 1 });
    const deadline = Date.now() + 120_000;
    for (;;) {
      const metadata = await admin.metadata({ topics: names, forceUpdate: true }).catch(() => null);
      const ready =
        metadata !== null &&
        names.every((name) => {
          const info = metadata.topics.get(name);
          return (
            info !== undefined && info.partitions.length === partitions && info.partitions.every((p) => p.leader >= 0)
          );
        });
      if (ready) return;
      if (Date.now() > deadline)
        throw new Error(`${names.length} topics of ${partitions} partitions have no leaders after 120 s`);
      await Bun.sleep(250);
    }
  } finally {
    await admin.close();
  }
}

/** The names among `names` that the cluster has, by listing all its topics. */
export async function existing(bootstrap: string, names: string[]): Promise<string[]> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: bootstrap.split(",") });
  try {
    const all = new Set(await admin.listTopics());
    return names.filter((name) => all.has(name));
  } finally {
    await admin.close();
  }
}

export async function deleteTopics(bootstrap: string, names: string[]): Promise<void> {
  const admin = new Admin({ clientId: "tests", bootstrapBrokers: bootstrap.split(","), timeout: 120_000 });
  try {
    await admin.deleteTopics({ topics: names });
  } finally {
    await admin.close();
  }
}
