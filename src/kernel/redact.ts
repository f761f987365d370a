/**
 * Fields that identify a person or are secrets. They never enter the audit trail's before/after
 * values (or logs); the trail records that they changed, not what they are.
 */
const REDACTED_KEYS = new Set([
  'password',
  'passwordHash',
  'currentPassword',
  'newPassword',
  'firstName',
  'lastName',
  'fullName',
  'givenName',
  'familyName',
  'birthDate',
  'dateOfBirth',
  'email',
  'phone',
  'address',
  'postalCode',
  'city',
  'nationalId',
  'bsn',
  'contact',
  'identity',
  'ciphertext',
  // Second factor: never a secret, a code or a challenge in the trail.
  'secret',
  'otpauthUrl',
  'recoveryCode',
  'recoveryCodes',
  'challenge',
]);

export const REDACTED = '[redacted]';

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) {
    return value.map(redact);
  }
  if (value instanceof Date) {
    return value.toISOString();
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) {
        continue;
      }
      out[key] = REDACTED_KEYS.has(key) ? REDACTED : redact(v);
    }
    return out;
  }
  return value;
}
