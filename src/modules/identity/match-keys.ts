import { createHmac } from 'node:crypto';
import type { IdentityRecord } from './identity.types';

/** What a likely duplicate may match on (the only thing a match reveals). */
export const MATCH_KINDS = ['national_id', 'name_birth_date'] as const;
export type MatchKind = (typeof MATCH_KINDS)[number];

/** A name for comparison: Unicode-folded, accents and case removed, letters and digits only. */
export function normaliseName(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/ß/g, 'ss')
    .replace(/[æ]/g, 'ae')
    .replace(/[ø]/g, 'o')
    .replace(/[^\p{L}\p{N}]/gu, '');
}

/**
 * The normalised inputs of the match hashes of one identity (pure). The national id is already
 * normalised by the vault's caller (`normaliseNationalId`); its type is part of the key.
 */
export function matchInputs(record: IdentityRecord): { kind: MatchKind; input: string }[] {
  const out: { kind: MatchKind; input: string }[] = [];
  if (record.nationalId) {
    out.push({
      kind: 'national_id',
      input: `${record.nationalId.type}:${record.nationalId.value.replace(/[\s.-]/g, '').toUpperCase()}`,
    });
  }
  const given = normaliseName(record.givenName);
  const family = normaliseName(record.familyName);
  if (given && family && record.birthDate) {
    out.push({ kind: 'name_birth_date', input: `${given}|${family}|${record.birthDate}` });
  }
  return out;
}

/** HMAC-SHA-256 of a match input under the match key, with the kind as a domain separator. */
export function matchDigest(key: Buffer, kind: MatchKind, input: string): Buffer {
  return createHmac('sha256', key).update(`ram-ms:identity-match:v1:${kind}:${input}`).digest();
}
