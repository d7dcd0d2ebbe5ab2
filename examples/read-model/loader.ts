/**
 * The read model: each account's balance, built from the account events the connector reads,
 * and the connector's last STATE, kept in the same database. Records are applied a checkpoint at
 * a time: the records a STATE covers and that STATE commit in one transaction, so the database
 * always holds balances and the exact resume point that produced them — a crash anywhere loses
 * nothing and applies nothing twice, and the next run passes that state back with --state.
 */
import type { SQL } from "bun";

/** An account event as the producer writes it: the message value, keyed by account. */
export type AccountEvent = { event: "opened" | "deposited" | "withdrawn"; account: string; amount: number };

export class UnknownEventError extends Error {
  override name = "UnknownEventError";
}

export async function createSchema(sql: SQL): Promise<void> {
  await sql`create table if not exists balances (
    account text primary key,
    balance bigint not null,
    events  bigint not null
  )`;
  await sql`create table if not exists connector_state (
    stream text primary key,
    state  jsonb not null
  )`;
}

/** The STATE parts saved by earlier runs, as the connector's --state takes them (an array). */
export async function savedState(sql: SQL): Promise<unknown[]> {
  const rows: { state: unknown }[] = await sql`select state from connector_state order by stream`;
  return rows.map((row) => row.state);
}

/** How an event moves its account's balance. */
function delta({ event, amount }: AccountEvent): number {
  switch (event) {
    case "opened":
      return 0;
    case "deposited":
      return amount;
    case "withdrawn":
      return -amount;
    default:
      throw new UnknownEventError(`unknown account event ${JSON.stringify(event)}`);
  }
}

type StateMessage = { type: "STREAM"; stream: { stream_descriptor: { name: string } } };

/**
 * Applies the connector's protocol lines: RECORDs wait until the STATE that covers them, then
 * both commit together. Records after the last STATE are left for the next run, which reads
 * them again from that STATE. Returns how many events were applied.
 */
export async function applyProtocol(
  sql: SQL,
  lines: AsyncIterable<string>,
): Promise<{ applied: number; checkpoints: number }> {
  let pending: AccountEvent[] = [];
  let applied = 0;
  let checkpoints = 0;
  for await (const line of lines) {
    if (!line) continue;
    const message = JSON.parse(line);
    if (message.type === "RECORD") pending.push(message.record.data as AccountEvent);
    if (message.type !== "STATE") continue;
    const state = message.state as StateMessage;
    const events = pending;
    pending = [];
    await sql.begin(async (tx) => {
      for (const event of events) {
        await tx`insert into balances (account, balance, events) values (${event.account}, ${delta(event)}, 1)
                 on conflict (account) do update set balance = balances.balance + excluded.balance, events = balances.events + 1`;
      }
      await tx`insert into connector_state (stream, state) values (${state.stream.stream_descriptor.name}, ${state}::jsonb)
               on conflict (stream) do update set state = excluded.state`;
    });
    applied += events.length;
    checkpoints++;
  }
  return { applied, checkpoints };
}

/** Every account's balance and event count, by account. */
export async function balances(sql: SQL): Promise<{ account: string; balance: number; events: number }[]> {
  const rows: { account: string; balance: string; events: string }[] =
    await sql`select account, balance::text, events::text from balances order by account`;
  return rows.map((row) => ({ account: row.account, balance: Number(row.balance), events: Number(row.events) }));
}
