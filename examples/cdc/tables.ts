/**
 * The example's tables and the changes made to them: `public.products`, which Debezium captures,
 * and `replica.products`, its copy built by the connector's rows; rounds of inserts, updates and
 * deletes, each with the number of messages Debezium will have written once it is captured.
 */
import type { SQL } from "bun";
import type { Target } from "./replica.ts";

export const replicaTarget: Target = { table: "replica.products", key: ["id"] };

const columns = `id int primary key, name text not null, price numeric(10, 2), in_stock boolean not null,
  added date, updated_at timestamptz`;

export async function createTables(sql: SQL): Promise<void> {
  await sql.unsafe(`create table public.products (${columns})`);
  // Deletes then carry the whole old row, not only the key (the replica needs only the key).
  await sql`alter table public.products replica identity full`;
  await sql`create schema replica`;
  await sql.unsafe(`create table replica.products (${columns})`);
}

/** Both tables read alike, for comparing row for row. */
export async function products(sql: SQL, table: string): Promise<Record<string, unknown>[]> {
  return await sql.unsafe(`select id, name, price::text, in_stock, added::text, updated_at from ${table} order by id`);
}

/**
 * Each round and how many messages the topic holds after it: a snapshot row (r) or a change is one
 * message, a delete two (the change and its tombstone).
 */
export const changeRounds: { what: string; messagesAfter: number; apply: (sql: SQL) => Promise<void> }[] = [
  {
    what: "three products inserted",
    messagesAfter: 3,
    apply: async (sql) => {
      await sql`insert into public.products values
        (1, 'kettle', 24.90, true, '2024-01-15', '2024-03-01 10:00:00+00'),
        (2, 'teapot', 18.50, true, '2024-02-01', '2024-03-01 10:00:00+00'),
        (3, 'mug', 6.00, false, '2024-02-20', null)`;
    },
  },
  {
    what: "a price changed, one product deleted, one added",
    messagesAfter: 7,
    apply: async (sql) => {
      await sql`update public.products set price = 21.00, updated_at = '2024-03-02 09:30:00+00' where id = 1`;
      await sql`delete from public.products where id = 2`;
      await sql`insert into public.products values (4, 'tray', 12.25, true, '2024-03-02', null)`;
    },
  },
  {
    what: "in one transaction: a product added then deleted, another's key changed, stock updated",
    messagesAfter: 14,
    apply: async (sql) => {
      await sql.begin(async (tx) => {
        await tx`insert into public.products values (5, 'saucer', 3.10, true, '2024-03-03', null)`;
        await tx`delete from public.products where id = 5`;
        // A key change is a delete of the old key (and its tombstone) and a create of the new.
        await tx`update public.products set id = 30 where id = 3`;
        await tx`update public.products set in_stock = false where id = 4`;
      });
    },
  },
];
