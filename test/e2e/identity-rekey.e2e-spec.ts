import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { createTestApp, TestApp } from '../harness/app';
import { bearer } from '../harness/factory';

const run = promisify(execFile);
const key = (id: string) => `${id}:${randomBytes(32).toString('base64')}`;

/**
 * Rotating the identity key (issue 19): `npm run identity:rekey` re-encrypts every stored identity
 * with the key listed first, audited, and reads every identity back; dropping a key that is still
 * needed is caught (exit 1) before anything is lost.
 */
describe('identity key rotation (e2e)', () => {
  const OLD = key('k2025');
  const NEW = key('k2026');
  let t: TestApp;

  beforeAll(async () => {
    t = await createTestApp({ worker: false, env: { IDENTITY_KEYS: OLD } });
    const coordinator = await t.factory.user('coordinator', { sites: ['NL-AMS'] });
    const siteId = await t.factory.site('NL-AMS');
    for (const [givenName, birthDate] of [
      ['Astrid', '1988-04-12'],
      ['Maarten', '1991-11-02'],
    ]) {
      await t
        .http()
        .post('/participants')
        .set(bearer(coordinator))
        .send({ siteId, identity: { givenName, familyName: 'Rekey', birthDate } })
        .expect(201);
    }
  });
  afterAll(() => t.close());

  const rekey = (identityKeys: string) =>
    run(process.execPath, ['-r', 'ts-node/register/transpile-only', 'src/cli/identity-rekey.ts'], {
      env: {
        ...process.env,
        DATABASE_URL: t.config.DATABASE_URL,
        IDENTITY_KEYS: identityKeys,
        IDENTITY_MATCH_KEY: t.config.IDENTITY_MATCH_KEY ?? '',
      },
    });
  const keys = async () =>
    (
      (await t.dataSource.query(
        `SELECT key_id AS k, count(*)::int AS n FROM participant_identities GROUP BY key_id ORDER BY 1`,
      )) as { k: string; n: number }[]
    ).map((r) => `${r.k}=${r.n}`);

  it('[REQ-PRIV-004] re-encrypts every identity with the new key, audited, and reads them all back', async () => {
    const before = await keys();
    expect(before).toEqual([expect.stringMatching(/^k2025=\d+$/)]);
    const stored = Number(before[0].split('=')[1]);
    expect(stored).toBeGreaterThanOrEqual(2);

    const { stdout } = await rekey(`${NEW},${OLD}`);
    expect(stdout).toContain(`re-encrypted ${stored} identities with the current key`);
    expect(stdout).toContain(`identities per key: k2026: ${stored}`);
    expect(stdout).toContain(`read back ${stored}: 0 unreadable`);
    expect(await keys()).toEqual([`k2026=${stored}`]);
    const [{ n }] = await t.dataSource.query(
      `SELECT coalesce(sum((after->>'count')::int), 0)::int AS n FROM audit_log
        WHERE action = 'identity.reencrypted' AND after->>'keyId' = 'k2026'`,
    );
    expect(n).toBe(stored);

    // Again: nothing left to do; the old key can now go.
    const again = await rekey(NEW);
    expect(again.stdout).toContain('re-encrypted 0 identities');
    expect(again.stdout).toContain(`read back ${stored}: 0 unreadable`);
  });

  it('[REQ-PRIV-004] changes nothing and exits 1 when the keys cannot read every identity (a needed key dropped)', async () => {
    const before = await keys();
    await expect(rekey(`${key('k2027')},${OLD}`)).rejects.toMatchObject({
      code: 1,
      stdout: expect.stringMatching(
        /re-encrypted 0 identities[\s\S]*read back \d+: [1-9]\d* unreadable/,
      ),
    });
    expect(await keys()).toEqual(before);
  });
});
