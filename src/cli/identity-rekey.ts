import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CommonModule } from 'src/common/common.module';
import { ConfigModule } from 'src/config/config.module';
import { DatabaseModule } from 'src/database/database.module';
import { IdentityModule } from 'src/modules/identity/identity.module';
import { IdentityService } from 'src/modules/identity/identity.service';

/** Just what the identity vault needs: configuration, clock and randomness, the database. */
@Module({ imports: [ConfigModule, CommonModule, DatabaseModule, IdentityModule] })
class IdentityRekeyModule {}

/**
 * `npm run identity:rekey`: after a key rotation (the new key listed first in IDENTITY_KEYS, the
 * old ones still after it), re-encrypts every stored identity with the new key (audited
 * `identity.reencrypted`), then reads every identity back. Exit 1 when any cannot be read: do not
 * drop a key while that is so. Safe to run while the API runs, and again.
 */
async function main(): Promise<void> {
  const app = await NestFactory.createApplicationContext(IdentityRekeyModule, {
    logger: ['error', 'warn'],
  });
  try {
    const r = await app.get(IdentityService).rotate();
    const keys = Object.entries(r.byKey)
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
    process.stdout.write(
      [
        `re-encrypted ${r.reencrypted} identities with the current key`,
        `identities per key: ${keys || 'none stored'}`,
        `read back ${r.checked}: ${r.unreadable} unreadable`,
      ].join('\n') + '\n',
    );
    if (r.unreadable > 0) {
      process.exitCode = 1;
    }
  } finally {
    await app.close();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`identity:rekey failed: ${error.message}\n`);
  process.exit(2);
});
