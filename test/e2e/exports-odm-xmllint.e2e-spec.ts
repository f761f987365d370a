import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildDictionary } from 'src/modules/exports/dictionary/build-dictionary';
import type { ExportOptions } from 'src/modules/exports/formats/format.types';
import { ODM_FILE, odmFormat } from 'src/modules/exports/formats/odm/odm.format';
import { removeFolder, runFormat, syntheticParticipants } from '../harness/synthetic-exports';

/**
 * The ODM export validated by libxml2's `xmllint` (Debian package libxml2-utils) against the
 * official CDISC ODM 1.3.2 schema (test/standards, copied from ../shared/standards) (issue 17), and a mutated copy of each
 * file (a required element removed) that must fail the same validation.
 */
const XSD = join(__dirname, '../standards/odm-1.3.2/ODM1-3-2.xsd');
const run = promisify(execFile);
const folders: string[] = [];
const MISSING =
  'xmllint is not installed: install the Debian package libxml2-utils (apt-get install libxml2-utils) to validate ODM exports';

async function xmllint(file: string): Promise<{ ok: boolean; output: string }> {
  try {
    const { stderr } = await run('xmllint', ['--noout', '--schema', XSD, file]);
    return { ok: true, output: stderr };
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') {
      throw new Error(MISSING);
    }
    return { ok: false, output: err.stderr ?? String(e) };
  }
}

async function export_(blinded: boolean, options: Partial<ExportOptions>): Promise<string> {
  const dictionary = buildDictionary({ blinded });
  const out = await runFormat(
    odmFormat,
    dictionary,
    syntheticParticipants(buildDictionary({ blinded: false }), { count: 5 }),
    options,
  );
  folders.push(out.dir);
  return join(out.dir, ODM_FILE);
}

afterAll(async () => {
  await Promise.all(folders.map(removeFolder));
});

describe('[REQ-EXP-002] ODM export against the official ODM 1.3.2 schema (xmllint)', () => {
  it('finds xmllint and the schema', async () => {
    await run('xmllint', ['--version']).catch((e: NodeJS.ErrnoException) => {
      throw e.code === 'ENOENT' ? new Error(MISSING) : e;
    });
    await expect(readFile(XSD, 'utf8')).resolves.toContain('ODM1-3-2-foundation.xsd');
  });

  it.each([
    ['snapshot', false, { archival: false }] as [string, boolean, Partial<ExportOptions>],
    ['archival', false, { archival: true }],
    ['blinded snapshot', true, { archival: false }],
    ['blinded archival', true, { archival: true }],
    ['days since randomisation', false, { datesAs: 'days' as const }],
  ])('%s: valid; with a required element removed: invalid', async (_, blinded, options) => {
    const file = await export_(blinded, options);
    const valid = await xmllint(file);
    expect(valid).toEqual({ ok: true, output: `${file} validates\n` });

    const xml = await readFile(file, 'utf8');
    const mutations: [string, string][] = [
      // Study/GlobalVariables is required.
      ['GlobalVariables', xml.replace(/<GlobalVariables>.*?<\/GlobalVariables>/s, '')],
      // Signature/SignatureRef is required.
      ['SignatureRef', xml.replace(/<SignatureRef [^>]*\/>/, '')],
      // ItemData's ItemOID is a required attribute.
      ['ItemOID', xml.replace(/<ItemData ItemOID="[^"]*"/, '<ItemData')],
    ];
    if (options.archival && !blinded) {
      // AuditRecord/UserRef is required.
      mutations.push([
        'UserRef',
        xml.replace(/<AuditRecord( ID="[^"]*")?><UserRef [^>]*\/>/, '<AuditRecord$1>'),
      ]);
    }
    for (const [what, mutated] of mutations) {
      expect({ what, changed: mutated !== xml }).toEqual({ what, changed: true });
      const broken = `${file}.${what}.xml`;
      await writeFile(broken, mutated);
      const result = await xmllint(broken);
      expect({ what, ok: result.ok }).toEqual({ what, ok: false });
      expect(result.output).toMatch(/fails to validate/);
    }
  });
});
