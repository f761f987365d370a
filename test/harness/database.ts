import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { serverUrl, templateDb } from './env';

async function admin<T>(work: (c: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: serverUrl('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh database cloned from the migrated, seeded template (about 50 ms). */
export async function createTestDatabase(): Promise<string> {
  const name = `rt_${process.env.JEST_WORKER_ID ?? '0'}_${randomBytes(5).toString('hex')}`;
  await admin(async (c) => {
    // CREATE DATABASE … TEMPLATE fails if another session is cloning at the same instant: retry.
    for (let attempt = 0; ; attempt++) {
      try {
        await c.query(`CREATE DATABASE ${name} TEMPLATE ${templateDb()}`);
        return;
      } catch (error) {
        if (attempt >= 20 || !/being accessed by other users/.test((error as Error).message)) {
          throw error;
        }
        await new Promise((r) => setTimeout(r, 50 + Math.floor(Math.random() * 100)));
      }
    }
  });
  return name;
}

export async function dropTestDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A plain pg client on a test database, for checks "as the database superuser". */
export async function superuserClient(database: string): Promise<Client> {
  const client = new Client({ connectionString: serverUrl(database) });
  await client.connect();
  return client;
}
