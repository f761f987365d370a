import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Readable } from 'node:stream';
import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, type AppConfig } from 'src/config/app-config';

/** A stored file: size and SHA-256 (hex) of its bytes. */
export type StoredFile = { name: string; bytes: number; sha256: string };

/**
 * Where export files live. Writers write into a local folder (`prepare`); `seal` makes the files
 * final (a remote store would upload them here) and says what it holds; `open` reads one back.
 * Names are the ones the export row lists: callers never pass a path a user typed.
 */
export abstract class ExportFileStore {
  /** An empty local folder for the export's files (an earlier attempt's files are removed). */
  abstract prepare(exportId: string): Promise<string>;
  /** Sizes and SHA-256 of the named files of the export, in the order given. */
  abstract seal(exportId: string, names: readonly string[]): Promise<StoredFile[]>;
  abstract open(exportId: string, name: string): Promise<Readable>;
}

const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The default store: a folder on local disk (EXPORT_DIR), one sub-folder per export id. */
@Injectable()
export class LocalExportFileStore extends ExportFileStore {
  private readonly root: string;

  constructor(@Inject(APP_CONFIG) config: AppConfig) {
    super();
    this.root = resolve(config.EXPORT_DIR);
  }

  private dir(exportId: string): string {
    if (!UUID.test(exportId)) {
      throw new Error('an export id is a UUID');
    }
    return join(this.root, exportId);
  }

  private file(exportId: string, name: string): string {
    if (!SAFE_NAME.test(name)) {
      throw new Error(`not a file name: ${name}`);
    }
    return join(this.dir(exportId), name);
  }

  async prepare(exportId: string): Promise<string> {
    const dir = this.dir(exportId);
    await rm(dir, { recursive: true, force: true });
    await mkdir(dir, { recursive: true });
    return dir;
  }

  async seal(exportId: string, names: readonly string[]): Promise<StoredFile[]> {
    const out: StoredFile[] = [];
    for (const name of names) {
      const path = this.file(exportId, name);
      const hash = createHash('sha256');
      for await (const chunk of createReadStream(path)) {
        hash.update(chunk as Buffer);
      }
      out.push({ name, bytes: (await stat(path)).size, sha256: hash.digest('hex') });
    }
    return out;
  }

  async open(exportId: string, name: string): Promise<Readable> {
    const path = this.file(exportId, name);
    await stat(path);
    return createReadStream(path);
  }
}
