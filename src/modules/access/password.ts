import * as bcrypt from 'bcrypt';

/** Password policy: 12 to 128 characters, not the e-mail's local part, not one repeated character. */
export function passwordProblem(password: string, email: string): string | null {
  if (password.length < 12) {
    return 'must be at least 12 characters long';
  }
  if (password.length > 128) {
    return 'must be at most 128 characters long';
  }
  const local = email.split('@')[0]?.toLowerCase() ?? '';
  if (local.length >= 4 && password.toLowerCase().includes(local)) {
    return 'must not contain the e-mail address';
  }
  if (/^(.)\1*$/.test(password)) {
    return 'must not be a single repeated character';
  }
  return null;
}

/**
 * bcrypt (native, node-bcrypt): hashing and comparing run on libuv's thread pool, off the event
 * loop, so a burst of sign-ins does not stall other requests. Hashes are the usual `$2b$` format
 * (those written by bcryptjs before compare the same).
 */
export const hashPassword = (password: string, rounds: number) => bcrypt.hash(password, rounds);
/** False for an account without a password (it signs in through the hospital's provider only). */
export const checkPassword = (password: string, hash: string | null): Promise<boolean> =>
  hash === null ? Promise.resolve(false) : bcrypt.compare(password, hash);
