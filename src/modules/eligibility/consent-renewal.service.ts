import { Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import type { Actor } from 'src/common/context/request-context';
import { siteScope } from 'src/common/context/site-scope';
import { DomainError, fieldError, validationFailed } from 'src/common/errors/domain-error';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { ParticipantsApi } from 'src/modules/participants/participants.api';
import { TrialsReader } from 'src/modules/trials/trials.reader';
import { ConsentRenewalRepository, type ReconsentPendingRow } from './consent-renewal.repository';

const STILL_IN_TRIAL = ['consented', 'randomised', 'in_follow_up'];

export const ReconsentErrors = {
  notConfigured: () =>
    new DomainError(
      'RECONSENT_NOT_CONFIGURED',
      'conflict',
      'No current consent version is configured for the trial (settings.consent.currentVersion)',
      [fieldError('version', 'RECONSENT_NOT_CONFIGURED', 'No current consent version')],
    ),
  notConsented: (status: string) =>
    new DomainError(
      'RECONSENT_NOT_CONSENTED',
      'conflict',
      `A participant in ${status} has no consent to renew`,
      [fieldError('', 'RECONSENT_NOT_CONSENTED', 'Not consented', { status })],
    ),
  alreadyCurrent: (version: string) =>
    new DomainError(
      'RECONSENT_ALREADY_CURRENT',
      'conflict',
      `Consent to version ${version} is already recorded`,
      [fieldError('version', 'RECONSENT_ALREADY_CURRENT', 'Already consented', { version })],
    ),
};

export type ReconsentPending = {
  currentVersion: string | null;
  amendment: string | null;
  items: ReconsentPendingRow[];
};

/**
 * Re-consent after a protocol amendment: the trial's current consent version (settings.consent),
 * who still has to consent to it, and recording the new version and date (audited; the first
 * consent and every re-consent are kept).
 */
@Injectable()
export class ConsentRenewalService {
  constructor(
    private readonly renewals: ConsentRenewalRepository,
    private readonly participants: ParticipantsApi,
    private readonly trials: TrialsReader,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
  ) {}

  private async current(): Promise<{ version: string | null; amendment: string | null }> {
    const consent = (await this.trials.settings()).consent;
    return {
      version: typeof consent?.currentVersion === 'string' ? consent.currentVersion : null,
      amendment: typeof consent?.amendment === 'string' ? consent.amendment : null,
    };
  }

  async pending(actor: Actor, siteId: string | null): Promise<ReconsentPending> {
    const { version, amendment } = await this.current();
    return {
      currentVersion: version,
      amendment,
      items: version ? await this.renewals.pending(version, siteScope(actor), siteId) : [],
    };
  }

  async record(
    id: string,
    input: { version: string; date: string },
    actor: Actor,
  ): Promise<{ participantId: string; version: string; date: string }> {
    const { version } = await this.current();
    return this.tx.run(async (uow) => {
      const p = await this.participants.lock(uow, id, siteScope(actor));
      if (!version) {
        throw ReconsentErrors.notConfigured();
      }
      if (!STILL_IN_TRIAL.includes(p.status)) {
        throw ReconsentErrors.notConsented(p.status);
      }
      if (input.version !== version) {
        throw validationFailed([
          {
            path: 'version',
            code: 'RECONSENT_VERSION_NOT_CURRENT',
            message: `must be the current consent version ${version}`,
            params: { currentVersion: version },
          },
        ]);
      }
      const before = await this.renewals.latest(id, p.currentEpisode, uow.em);
      if (!before) {
        throw ReconsentErrors.notConsented(p.status);
      }
      if (before.version === version) {
        throw ReconsentErrors.alreadyCurrent(version);
      }
      const today = this.participants.today(p.siteTimeZone);
      if (input.date > today) {
        throw validationFailed([
          {
            path: 'date',
            code: 'DATE_IN_FUTURE',
            message: `${input.date} is after today (${today}) at the site`,
            params: { today },
          },
        ]);
      }
      if (input.date < before.date) {
        throw validationFailed([
          {
            path: 'date',
            code: 'DATE_BEFORE_CONSENT',
            message: `${input.date} is before the consent it renews (${before.date})`,
            params: { previous: before.date },
          },
        ]);
      }
      const renewalId = await this.renewals.insert(
        {
          participantId: id,
          episodeId: before.episodeId,
          version: input.version,
          date: input.date,
          recordedAt: this.clock.now(),
          recordedBy: actor.id,
        },
        uow.em,
      );
      uow.audit({
        action: 'eligibility.reconsent_recorded',
        entity: 'participant',
        entityId: id,
        before: { version: before.version, date: before.date },
        after: { version: input.version, date: input.date, renewalId },
      });
      return { participantId: id, version: input.version, date: input.date };
    });
  }
}
