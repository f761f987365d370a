import { loadConfig } from './config/app-config';
import { prepareDatabase } from 'src/cli/prepare';
import { announce, startApi, warnOfDevelopmentSecrets } from './main';
import { closeWorker, startWorker } from './worker';

/** Single-machine start: prepare the database, then run the API and the worker in one process. */
async function main(): Promise<void> {
  const config = loadConfig();
  warnOfDevelopmentSecrets(config);
  const prepared = config.MIGRATE_ON_START ? await prepareDatabase(config) : null;
  const worker = await startWorker(config);
  // On SIGTERM the API and the worker close gracefully together, then the process exits 0.
  const { url } = await startApi(config, () => closeWorker(worker, config.SHUTDOWN_GRACE_MS));
  announce(url, prepared, config);
}

main().catch((error: Error) => {
  process.stderr.write(`Failed to start: ${error.message}\n`);
  process.exit(1);
});
