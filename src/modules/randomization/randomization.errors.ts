import { DomainError, fieldError } from 'src/common/errors/domain-error';

export const RandomizationErrors = {
  notConfigured: (env: string) =>
    new DomainError(
      'RANDOMIZATION_NOT_CONFIGURED',
      'invalid_state',
      `No ${env} randomisation configuration exists yet`,
    ),
  notLive: () =>
    new DomainError(
      'RANDOMIZATION_NOT_LIVE',
      'invalid_state',
      'Randomisation has not gone live: the statistician must take the production configuration live first',
    ),
  locked: (env: string) =>
    new DomainError(
      'RANDOMIZATION_CONFIG_LOCKED',
      'conflict',
      `The ${env} configuration is live and can no longer change`,
    ),
  invalidConfig: (errors: string[]) =>
    new DomainError(
      'RANDOMIZATION_CONFIG_INVALID',
      'bad_request',
      `Invalid randomisation configuration: ${errors.join('; ')}`,
      errors.map((e) => fieldError('', 'RANDOMIZATION_CONFIG_INVALID', e)),
    ),
  invalidSeed: (errors: string[]) =>
    new DomainError(
      'RANDOMIZATION_SEED_INVALID',
      'bad_request',
      `Invalid seed: ${errors.join('; ')}`,
      errors.map((e) => fieldError('seed', 'RANDOMIZATION_SEED_INVALID', e)),
    ),
  preconditions: (reasons: { code: string; message: string }[]) =>
    new DomainError(
      'RANDOMIZATION_PRECONDITIONS_UNMET',
      'invalid_state',
      `The participant cannot be randomised: ${reasons.map((r) => r.message).join('; ')}`,
      reasons.map((r) => fieldError('', r.code, r.message)),
    ),
  notRandomised: () =>
    new DomainError('ALLOCATION_NOT_FOUND', 'not_found', 'The participant has not been randomised'),
  idempotencyMismatch: () =>
    new DomainError(
      'IDEMPOTENCY_KEY_REUSED',
      'conflict',
      'This Idempotency-Key was used for another participant',
    ),
  notArmB: () =>
    new DomainError(
      'NOT_ARM_B',
      'invalid_state',
      'The arm-B drug applies only to participants allocated to arm B',
    ),
  drugNotInFormulary: (drug: string, allowed: string[]) =>
    new DomainError(
      'DRUG_NOT_IN_FORMULARY',
      'bad_request',
      `${drug} is not in the formulary for this participant (allowed: ${allowed.join(', ')})`,
      [
        fieldError('drug', 'DRUG_NOT_IN_FORMULARY', `${drug} is not in the formulary`, {
          drug,
          allowed,
        }),
      ],
    ),
  reasonRequired: () =>
    new DomainError('REASON_REQUIRED', 'bad_request', 'A change needs a reason'),
  stratumFactorUnsupported: (factor: string) =>
    new DomainError(
      'STRATUM_FACTOR_UNSUPPORTED',
      'bad_request',
      `Strata factor "${factor}" is not supported (use country or site)`,
    ),
  alreadyDiscontinued: (date: string) =>
    new DomainError(
      'INTERVENTION_ALREADY_DISCONTINUED',
      'conflict',
      `The allocated intervention was already discontinued on ${date}; undo that first to change it`,
    ),
  notDiscontinued: () =>
    new DomainError(
      'INTERVENTION_NOT_DISCONTINUED',
      'conflict',
      'The allocated intervention is not recorded as discontinued',
    ),
  alreadyTransplanted: () =>
    new DomainError(
      'INTERVENTION_ALREADY_GIVEN',
      'conflict',
      'The transplant was given (day 0 recorded): a one-off treatment cannot be discontinued',
    ),
};
