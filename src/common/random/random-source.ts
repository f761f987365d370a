import { randomBytes, randomInt, randomUUID } from 'node:crypto';

/** The only source of chance for services (CSPRNG); tests may override it. */
export abstract class RandomSource {
  abstract bytes(n: number): Buffer;
  abstract int(maxExclusive: number): number;
  abstract uuid(): string;
}

export class CryptoRandomSource extends RandomSource {
  bytes(n: number): Buffer {
    return randomBytes(n);
  }
  int(maxExclusive: number): number {
    return randomInt(maxExclusive);
  }
  uuid(): string {
    return randomUUID();
  }
}
