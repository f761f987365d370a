import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { serverUrl } from '../harness/env';

const ROOT = path.resolve(__dirname, '..', '..');

/**
 * The web application's typed client can never drift from the API: regenerating the response
 * metadata and schema.d.ts from the current code must give exactly the committed files
 * (`npm run web:client` rewrites them).
 */
describe('the generated API client', () => {
  it('matches what the current API produces', () => {
    const run = spawnSync(
      process.execPath,
      ['-r', 'ts-node/register/transpile-only', 'web/scripts/openapi-client.ts', '--check'],
      {
        cwd: ROOT,
        encoding: 'utf8',
        env: {
          ...process.env,
          DATABASE_URL: serverUrl('postgres'),
          REDIS_URL: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
          NODE_ENV: 'test',
        },
        timeout: 170_000,
      },
    );
    if (run.status !== 0) {
      throw new Error(`${run.stderr}\n${run.stdout}`);
    }
    expect(run.stdout).toContain('The generated API client matches the API.');
  }, 180_000);
});
