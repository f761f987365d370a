import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import { existsSync } from 'node:fs';
import path from 'node:path';

/** Where the pages live; the API stays at the root (/auth, /participants, …). */
export const WEB_BASE = '/app';

/** The built single-page application: `<project>/dist/web` (vite build, see web/vite.config.ts). */
export function webBuildDir(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  // From dist/src/web the first package.json is the project's (dist has none).
  return path.join(dir, 'dist', 'web');
}

/**
 * Serves the web application from the API process: hashed assets with a long cache, every other
 * path under /app/ answered with index.html (client-side routes), and / redirected to /app/.
 * Without a build it answers 404 with what to run, and the API works as before. In production a
 * source map (`*.map`) is a 404.
 */
export function mountWebApp(
  app: NestExpressApplication,
  { dir = webBuildDir(), production = false }: { dir?: string; production?: boolean } = {},
): void {
  const index = path.join(dir, 'index.html');
  if (production) {
    // No source maps in production (the build emits none; a stale one is never served).
    app.use(WEB_BASE, (req: Request, res: Response, next: NextFunction) => {
      if (/\.map$/i.test(req.path)) {
        res.status(404).type('text/plain').send('Not found');
        return;
      }
      next();
    });
  }
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'GET' && req.path === '/') {
      return res.redirect(302, `${WEB_BASE}/`);
    }
    if (req.method === 'GET' && req.path === WEB_BASE) {
      return res.redirect(301, `${WEB_BASE}/`);
    }
    next();
  });
  app.useStaticAssets(dir, {
    prefix: `${WEB_BASE}/`,
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      const hashed = file.includes(`${path.sep}assets${path.sep}`);
      res.setHeader('Cache-Control', hashed ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(WEB_BASE, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return next();
    }
    // A missing asset is a 404, not the page (a stale tab asking for an old bundle).
    if (req.path.startsWith('/assets/')) {
      return next();
    }
    if (!existsSync(index)) {
      res
        .status(404)
        .type('text/plain')
        .send('The web application is not built: run `npm run web:build` (npm start builds it).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
