import { Injectable } from '@nestjs/common';
import { AuthService } from './auth.service';
import type { SignatureCheck, SignatureCredentials } from './signing.service';
import { UsersService } from './users.service';

export type { SignatureCheck, SignatureCredentials } from './signing.service';

/**
 * Public API of the access module for other modules' electronic signatures (21 CFR 11.50,
 * 11.200): the credentials checked again (with the lock after repeated wrong passwords), and the
 * signer's printed name for the manifest.
 */
@Injectable()
export class SignaturesApi {
  constructor(
    private readonly auth: AuthService,
    private readonly users: UsersService,
  ) {}

  /** Checks the signer's password (or signing password, or signing assertion). */
  confirm(userId: string, credentials: SignatureCredentials): Promise<SignatureCheck> {
    return this.auth.confirmSignature(userId, credentials);
  }

  /** The signer's name as it is printed in a signature manifest. */
  async printedName(userId: string): Promise<string> {
    return (await this.users.get(userId)).displayName;
  }
}
