import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import supertest from 'supertest';
import { mountWebApp } from './web-app';

@Module({})
class EmptyModule {}

describe('serving the web build', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'web-build-'));
    mkdirSync(path.join(dir, 'assets'));
    writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>RAM-MS</title>');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js'), 'console.log(1);');
    writeFileSync(path.join(dir, 'assets', 'index-abc.js.map'), '{"version":3}');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const serve = async (production: boolean) => {
    const app = await NestFactory.create<NestExpressApplication>(EmptyModule, { logger: false });
    mountWebApp(app, { dir, production });
    await app.init();
    return app;
  };

  it('serves no source map in production, but the bundle', async () => {
    const app = await serve(true);
    try {
      const http = supertest(app.getHttpServer());
      await http.get('/app/assets/index-abc.js.map').expect(404);
      await http.get('/app/assets/INDEX-ABC.JS.MAP').expect(404);
      await http.get('/app/index-abc.js.map').expect(404);
      await http.get('/app/assets/index-abc.js').expect(200);
      await http.get('/app/participants').expect(200);
    } finally {
      await app.close();
    }
  });

  it('serves source maps in development', async () => {
    const app = await serve(false);
    try {
      await supertest(app.getHttpServer()).get('/app/assets/index-abc.js.map').expect(200);
    } finally {
      await app.close();
    }
  });
});
