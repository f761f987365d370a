import { Client } from 'pg';
import { serverUrl } from './env';

export default async function globalTeardown(): Promise<void> {
  const name = process.env.RT_TEMPLATE_DB;
  if (!name) {
    return;
  }
  delete process.env.RT_TEMPLATE_DB;
  const admin = new Client({ connectionString: serverUrl('postgres') });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}
