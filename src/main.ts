import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Server as NetServer } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { AppConfig, developmentSecretWarnings, loadConfig } from './config/app-config';
import { configureApp, OPENAPI_PATH } from './configure-app';
import { prepareDatabase } from 'src/cli/prepare';

/** Starts the HTTP API on the configured port; returns the app and its base URL. */
export async function startApi(
  config: AppConfig,
  alsoOnSignal?: () => Promise<unknown>,
): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  configureApp(app);
  await app.listen(config.PORT, config.HOST);
  closeGracefullyOnSignal(app, config.SHUTDOWN_GRACE_MS, alsoOnSignal);
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return { app, url: `http://${host}:${config.PORT}` };
}

/**
 * On SIGTERM or SIGINT: stop accepting connections and let every request in flight get its
 * answer, then close the application (queues, database pool) and exit 0. From the signal on,
 * every answer carries `Connection: close`, so no client sends another request on a connection
 * about to close; connections still idle a second later are closed, and any still open after
 * `graceMs` are cut. The order matters: Nest's own shutdown hooks would close the database under
 * requests in flight. `alsoClose` runs at the same time (`npm start`: the worker of the same
 * process), and the process exits once both are done.
 */
export function closeGracefullyOnSignal(
  app: NestExpressApplication,
  graceMs: number,
  alsoClose?: () => Promise<unknown>,
): void {
  const server = app.getHttpServer() as Server;
  const inFlight = new Set<ServerResponse>();
  let closing = false;
  let cutOff = 0;
  server.on('request', (_req: IncomingMessage, res: ServerResponse) => {
    if (closing) {
      res.setHeader('Connection', 'close');
    }
    inFlight.add(res);
    res.once('close', () => {
      inFlight.delete(res);
      if (closing && !res.writableFinished) {
        cutOff++;
      }
    });
  });
  const close = async () => {
    if (closing) {
      return;
    }
    closing = true;
    const other = alsoClose?.();
    const atSignal = inFlight.size;
    for (const res of inFlight) {
      if (!res.headersSent) {
        res.setHeader('Connection', 'close');
      }
    }
    // net.Server's close, not http.Server's: that one also closes idle keep-alive connections at
    // once, and a request a client is sending on one that very moment is cut off. These get
    // their answer with `Connection: close`; the ones still idle after a second are closed.
    const closed = new Promise<void>((resolve) =>
      NetServer.prototype.close.call(server, () => resolve()),
    );
    const idle = setTimeout(() => server.closeIdleConnections(), 1000);
    const cut = setTimeout(() => server.closeAllConnections(), graceMs);
    await closed;
    clearTimeout(idle);
    clearTimeout(cut);
    await app.close();
    await other;
    // Counts only: how the shutdown went, for operations (and the test that checks it).
    process.stdout.write(
      `graceful shutdown: ${atSignal} requests in flight at the signal, ${cutOff} cut off\n`,
    );
    process.exit(0);
  };
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => void close());
  }
}

/** Prints what a person starting the system needs to know; the generated password only once. */
export function announce(
  url: string,
  prepared: Awaited<ReturnType<typeof prepareDatabase>> | null,
  config: AppConfig,
): void {
  const lines = [`RAM-MS API listening on ${url}`, `OpenAPI documentation: ${url}/${OPENAPI_PATH}`];
  if (prepared?.seeded) {
    lines.push('Seeded the RAM-MS trial (NO, SE, DK, NL sites).');
  }
  if (prepared?.adminCreated) {
    lines.push(
      prepared.generatedAdminPassword
        ? `Created admin ${config.ADMIN_EMAIL} with generated password: ${prepared.generatedAdminPassword} (shown once; you must change it at the first sign-in)`
        : `Created admin ${config.ADMIN_EMAIL} with the password from ADMIN_PASSWORD`,
    );
  }
  process.stdout.write(`\n${lines.map((l) => `  ${l}`).join('\n')}\n\n`);
}

/** Warns (stderr, names only) when a development start uses the public development secrets. */
export function warnOfDevelopmentSecrets(config: AppConfig): void {
  for (const warning of developmentSecretWarnings(config)) {
    process.stderr.write(`WARNING: ${warning}\n`);
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  warnOfDevelopmentSecrets(config);
  const prepared = config.MIGRATE_ON_START ? await prepareDatabase(config) : null;
  const { url } = await startApi(config);
  announce(url, prepared, config);
}

if (require.main === module) {
  main().catch((error: Error) => {
    process.stderr.write(`API failed to start: ${error.message}\n`);
    process.exit(1);
  });
}
