/**
 * The read-model example (examples/read-model/): account events in Kafka, the connector's `read`
 * applied to a table of balances in a real PostgreSQL, incrementally from the state saved with
 * them. The balances must equal the events folded by hand, and each sync must apply exactly the
 * events produced since the previous one.
 */
import type { SQL as Client } from "bun";
import { SQL } from "bun";
import { afterAll, beforeAll, expect, test } from "bun:test";
import { eventMessages } from "../../examples/read-model/events.ts";
import { balances, type AccountEvent } from "../../examples/read-model/loader.ts";
import { startPostgres, type Postgres } from "../../examples/read-model/postgres.ts";
import { sync } from "../../examples/read-model/sync.ts";
import { bootstrap } from "../support/broker.ts";
import { uniqueTopic } from "../support/connector.ts";
import { createTopic, produce } from "../support/kafka.ts";

let pg: Postgres;
let sql: Client;

beforeAll(async () => {
  pg = await startPostgres();
  sql = new SQL(pg.url);
}, 300_000); // a first run on a clean machine installs PostgreSQL

afterAll(async () => {
  await sql?.close();
  pg?.stop();
});

/** The expected read model, folded from the events independently of the loader. */
function fold(events: AccountEvent[]) {
  const accounts = new Map<string, { account: string; balance: number; events: number }>();
  for (const e of events) {
    const row = accounts.get(e.account) ?? { account: e.account, balance: 0, events: 0 };
    row.balance += e.event === "deposited" ? e.amount : e.event === "withdrawn" ? -e.amount : 0;
    row.events += 1;
    accounts.set(e.account, row);
  }
  return [...accounts.values()].sort((a, b) => a.account.localeCompare(b.account));
}

const opened = (account: string): AccountEvent => ({ event: "opened", account, amount: 0 });
const deposited = (account: string, amount: number): AccountEvent => ({ event: "deposited", account, amount });
const withdrawn = (account: string, amount: number): AccountEvent => ({ event: "withdrawn", account, amount });

test("balances equal the events, and each later sync applies exactly the new events once", async () => {
  const topic = uniqueTopic("read-model");
  const kafka = await bootstrap();
  await createTopic(kafka, topic, 3);

  const first = [
    opened("alice"),
    opened("bob"),
    deposited("alice", 120),
    opened("carol"),
    deposited("bob", 30),
    withdrawn("alice", 45),
    deposited("carol", 9),
  ];
  await produce(kafka, topic, eventMessages(first, 3));
  expect((await sync(sql, { bootstrap: kafka, topic })).applied).toBe(first.length);
  expect(await balances(sql)).toEqual(fold(first));

  const second = [withdrawn("bob", 12), opened("dave"), deposited("dave", 500), deposited("alice", 1)];
  await produce(kafka, topic, eventMessages(second, 3));
  expect((await sync(sql, { bootstrap: kafka, topic })).applied).toBe(second.length);
  expect(await balances(sql)).toEqual(fold([...first, ...second]));

  // Nothing new: the saved state is the end of every partition.
  expect((await sync(sql, { bootstrap: kafka, topic })).applied).toBe(0);
  expect(await balances(sql)).toEqual(fold([...first, ...second]));

  const offsets: Record<string, { offset: number }> = { "0": { offset: 0 }, "1": { offset: 0 }, "2": { offset: 0 } };
  for (const m of eventMessages([...first, ...second], 3)) offsets[m.partition]!.offset++;
  const [{ state }] = await sql`select state from connector_state where stream = ${topic}`;
  expect(state.stream.stream_state).toEqual({ partitions: offsets });
}, 120_000);
