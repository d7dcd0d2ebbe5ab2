/**
 * The change-data-capture example, as `npm run example:cdc` runs it: a products table in
 * PostgreSQL, captured by Debezium (Kafka Connect, harness/debezium.ts) into the local Kafka broker,
 * and synced by `source-kafka read` into a replica table beside it; after each round of inserts,
 * updates and deletes the replica equals the source table.
 */
import { SQL } from "bun";
import { startConnect } from "../../harness/debezium.ts";
import { down, running, up } from "../../harness/kafka.ts";
import { startPostgres } from "../read-model/postgres.ts";
import { waitForMessages } from "../../harness/topics.ts";
import { changeRounds, createTables, products, replicaTarget } from "./tables.ts";
import { sync } from "./sync.ts";

const say = (text: string) => console.log(`\x1b[1m${text}\x1b[0m`);

const existing = await running();
const cluster = existing ?? (await up());
say(`Kafka is up at ${cluster.bootstrap}${existing ? " (already running)" : ""}`);
const pg = await startPostgres({ wal_level: "logical" });
say(`PostgreSQL is up at ${pg.url} (wal_level=logical)`);
const sql = new SQL(pg.url);
const prefix = `shop${Date.now().toString(36)}`;
const topic = `${prefix}.public.products`;
let stopConnect = async () => {};

try {
  await createTables(sql);
  const connect = await startConnect(cluster.bootstrap, [
    { name: prefix, postgres: pg.url, topicPrefix: prefix, tables: ["public.products"], schemas: true },
  ]);
  stopConnect = connect.stop;
  say(`Debezium captures public.products into ${topic}`);
  for (const [index, round] of changeRounds.entries()) {
    await round.apply(sql);
    await waitForMessages(cluster.bootstrap, topic, round.messagesAfter);
    const { applied, checkpoints } = await sync(sql, { bootstrap: cluster.bootstrap, topic, target: replicaTarget });
    say(`\nRound ${index + 1}: ${round.what}; synced ${applied} changes in ${checkpoints} transaction(s)`);
    const [source, replica] = [await products(sql, "public.products"), await products(sql, replicaTarget.table)];
    console.table(replica);
    say(
      Bun.deepEquals(source, replica)
        ? "the replica equals public.products"
        : "the replica DIFFERS from public.products",
    );
  }
} finally {
  await stopConnect();
  await sql.close();
  pg.stop();
  if (!existing) await down();
}
