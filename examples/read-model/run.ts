/**
 * The read-model example, as `npm run example` runs it: a local Kafka broker (unless one is up)
 * and a throwaway PostgreSQL, account events produced to a topic, one sync into a table of
 * balances, more events, and a second sync that applies only those.
 */
import { SQL } from "bun";
import { down, running, up } from "../../harness/kafka.ts";
import { createTopic, produce } from "../../harness/topics.ts";
import { balances } from "./loader.ts";
import { eventMessages, type AccountEvent } from "./events.ts";
import { startPostgres } from "./postgres.ts";
import { sync } from "./sync.ts";

const say = (text: string) => console.log(`\x1b[1m${text}\x1b[0m`);

const existing = await running();
const cluster = existing ?? (await up());
say(`Kafka is up at ${cluster.bootstrap}${existing ? " (already running)" : ""}`);
const pg = await startPostgres();
say(`PostgreSQL is up at ${pg.url} (data in ${pg.dir})`);
const sql = new SQL(pg.url);

try {
  const topic = `account-events-${Date.now().toString(36)}`;
  await createTopic(cluster.bootstrap, topic, 3);

  const round = async (events: AccountEvent[]) => {
    await produce(cluster.bootstrap, topic, eventMessages(events, 3));
    say(
      `\nProduced ${events.length} events to ${topic}: ${events.map((e) => `${e.account} ${e.event} ${e.amount}`).join(", ")}`,
    );
    const { applied, checkpoints } = await sync(sql, { bootstrap: cluster.bootstrap, topic });
    say(`source-kafka read | loader: applied ${applied} events in ${checkpoints} transaction(s); balances:`);
    console.table(await balances(sql));
  };

  await round([
    { event: "opened", account: "acct-1", amount: 0 },
    { event: "opened", account: "acct-2", amount: 0 },
    { event: "deposited", account: "acct-1", amount: 100 },
    { event: "deposited", account: "acct-2", amount: 40 },
    { event: "withdrawn", account: "acct-1", amount: 30 },
    { event: "opened", account: "acct-3", amount: 0 },
  ]);
  await round([
    { event: "deposited", account: "acct-3", amount: 75 },
    { event: "withdrawn", account: "acct-2", amount: 15 },
    { event: "deposited", account: "acct-1", amount: 5 },
  ]);
  const [{ state }] = await sql`select state from connector_state`;
  say("\nThe connector's state, saved with the balances:");
  console.log(JSON.stringify(state.stream.stream_state));
} finally {
  await sql.close();
  pg.stop();
  if (!existing) await down();
}
