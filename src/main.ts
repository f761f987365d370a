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
): Promise<{ app: NestExpressApplication; url: string }> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  configureApp(app);
  await app.listen(config.PORT, config.HOST);
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? 'localhost' : config.HOST;
  return { app, url: `http://${host}:${config.PORT}` };
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
