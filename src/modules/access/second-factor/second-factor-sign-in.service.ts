import { Injectable } from '@nestjs/common';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { AuthService } from 'src/modules/access/auth.service';
import { UsersService } from 'src/modules/access/users.service';
import { SecondFactorErrors } from './second-factor.errors';
import { SecondFactorService } from './second-factor.service';

/**
 * The sign-in's second step: the challenge of a correct password plus a code of the app (or a
 * recovery code, once) make the session, minted by AuthService.session like every other.
 */
@Injectable()
export class SecondFactorSignIn {
  constructor(
    private readonly auth: AuthService,
    private readonly factors: SecondFactorService,
    private readonly users: UsersService,
    private readonly tx: TransactionRunner,
  ) {}

  async complete(challenge: string, proof: { code?: string; recoveryCode?: string }) {
    if ((proof.code === undefined) === (proof.recoveryCode === undefined)) {
      throw SecondFactorErrors.oneOfCodes();
    }
    const wanted = await this.factors.readChallenge(challenge);
    const user = await this.users.find(wanted.userId);
    // Deactivated, or roles or password changed since the password was accepted: start again.
    if (!user || !user.active || user.tokenVersion !== wanted.tokenVersion) {
      throw SecondFactorErrors.challengeInvalid();
    }
    const method = await this.tx.run(async (uow) => {
      const how = await this.factors.verifyForSignIn(user.id, proof, uow);
      if (how === 'totp' || how === 'recovery_code') {
        uow.audit({
          action: 'auth.login',
          entity: 'user',
          entityId: user.id,
          after: {
            actingRole: wanted.role,
            secondFactor: how,
            ...(how === 'recovery_code'
              ? { recoveryCodesLeft: await this.factors.recoveryCodesLeft(user.id, uow) }
              : {}),
          },
        });
      }
      return how;
    });
    if (method === 'locked') {
      await this.factors.failed(user.id, 'sign_in', 'totp', 'locked');
      throw SecondFactorErrors.locked(await this.factors.lockedFor(user.id));
    }
    if (!method) {
      await this.factors.failed(user.id, 'sign_in', proof.code ? 'totp' : 'recovery_code');
      throw SecondFactorErrors.invalidAtSignIn();
    }
    return this.auth.session(user, wanted.role);
  }
}
