import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import harnessSetup from '../harness/global-setup';

const ROOT = path.resolve(__dirname, '..', '..');

/** Newest modification time under a path (file or directory). */
function newest(p: string): number {
  const s = statSync(p);
  if (!s.isDirectory()) {
    return s.mtimeMs;
  }
  return Math.max(s.mtimeMs, ...readdirSync(p).map((f) => newest(path.join(p, f))));
}

/**
 * Browser tests need the built web application (served by the app under test from dist/web):
 * built here when missing or older than its sources (CI builds it first; then this is a no-op).
 * Then the usual template database.
 */
export default async function globalSetup(): Promise<void> {
  const index = path.join(ROOT, 'dist', 'web', 'index.html');
  const sources = ['web/src', 'web/index.html', 'web/vite.config.mts'].map((p) =>
    path.join(ROOT, p),
  );
  if (!existsSync(index) || Math.max(...sources.map(newest)) > statSync(index).mtimeMs) {
    const vite = path.join(ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
    const run = spawnSync(
      process.execPath,
      [vite, 'build', '--config', 'web/vite.config.mts', '--logLevel', 'warn'],
      { cwd: ROOT, stdio: 'inherit' },
    );
    if (run.status !== 0) {
      throw new Error('vite build of the web application failed');
    }
  }
  await harnessSetup();
}
