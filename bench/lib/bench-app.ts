import { JwtService } from '@nestjs/jwt';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { AddressInfo } from 'node:net';
import { Client } from 'pg';
import * as bcrypt from 'bcrypt';
import { AppModule } from 'src/app.module';
import { loadConfig, AppConfig } from 'src/config/app-config';
import { configureApp } from 'src/configure-app';
import { prepareDatabase } from 'src/cli/prepare';
import type { Role } from 'src/common/context/roles';

export const BENCH_PASSWORD = 'correct horse battery staple';

/** The real API on a scratch database of its own (migrated and seeded), listening on a free port. */
export async function startBenchApp(name: string, env: Record<string, string> = {}) {
  const server = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const url = new URL(server);
  url.pathname = `/${name}`;
  const settings: Record<string, string> = {
    NODE_ENV: 'test',
    DATABASE_URL: url.toString(),
    QUEUE_PREFIX: `bench:${name}`,
    BCRYPT_ROUNDS: '4',
    LOG_LEVEL: 'silent',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_POOL_SIZE: '40',
    JWT_SECRET: 'bench-secret-bench-secret-bench-secret-0001',
    ...env,
  };
  // The app reads its configuration from the environment, as in production.
  Object.assign(process.env, settings);
  const config: AppConfig = loadConfig(process.env);
  const admin = new Client({ connectionString: server });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.end();
  await prepareDatabase(config);
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    logger: false,
    bodyParser: false,
  });
  configureApp(app);
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const db = new Client({ connectionString: config.DATABASE_URL });
  await db.connect();
  const jwt = app.get(JwtService);
  const hash = bcrypt.hashSync(BENCH_PASSWORD, 4);

  async function user(roles: Role[], sites: string[] = [], trialWide = false) {
    const { rows } = await db.query(
      `INSERT INTO users (email, display_name, password_hash, roles, trial_wide) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
      [
        `${roles[0]}-${Math.random().toString(36).slice(2)}@bench.local`,
        `Bench ${roles[0]}`,
        hash,
        roles,
        trialWide,
      ],
    );
    const id = rows[0].id as string;
    for (const label of sites) {
      const [country, code] = label.split('-');
      await db.query(
        `INSERT INTO user_sites (user_id, site_id) SELECT $1, id FROM sites WHERE country_code = $2 AND code = $3`,
        [id, country, code],
      );
    }
    return { id, token: await jwt.signAsync({ sub: id, tv: 0, role: roles[0] }) };
  }

  async function siteId(label: string): Promise<string> {
    const [country, code] = label.split('-');
    const { rows } = await db.query(`SELECT id FROM sites WHERE country_code = $1 AND code = $2`, [
      country,
      code,
    ]);
    return rows[0].id as string;
  }

  async function call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  async function close() {
    await db.end();
    await app.close();
    const a = new Client({ connectionString: server });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await a.end();
  }

  return { app, base, db, config, user, siteId, call, close, serverUrl: server };
}
