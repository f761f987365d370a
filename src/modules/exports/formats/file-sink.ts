import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/** A file written in chunks with backpressure: `write` waits while the stream's buffer is full. */
export type FileSink = {
  write(chunk: string): Promise<void>;
  end(): Promise<void>;
};

export function openSink(path: string): FileSink {
  const stream = createWriteStream(path, { encoding: 'utf8' });
  let failure: Error | null = null;
  stream.on('error', (e) => {
    failure = e;
  });
  return {
    async write(chunk) {
      if (failure) {
        throw failure;
      }
      if (!stream.write(chunk)) {
        await once(stream, 'drain');
      }
    },
    async end() {
      if (failure) {
        throw failure;
      }
      stream.end();
      await once(stream, 'finish');
    },
  };
}
