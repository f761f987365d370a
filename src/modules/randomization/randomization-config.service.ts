import { Inject, Injectable } from '@nestjs/common';
import { Clock } from 'src/common/clock/clock';
import { RequestContext } from 'src/common/context/request-context';
import { RandomSource } from 'src/common/random/random-source';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { TransactionRunner } from 'src/kernel/unit-of-work';
import { IV_BYTES, open, seal, SealedRecord } from 'src/modules/identity/identity-cipher';
import { IdentityKeyring, parseIdentityKeys } from 'src/common/crypto/identity-keys';
import { TrialsService } from 'src/modules/trials/trials.service';
import { RandomizationErrors } from './randomization.errors';
import { ConfigRow, Environment, RandomizationRepository } from './randomization.repository';
import {
  canonicalConfigJson,
  commitment,
  generateSeed,
  normalizeConfig,
  normalizeSeed,
  RandomizationConfig,
  RandomizationConfigInput,
  SequenceSlot,
  StratumSequence,
  validateSeed,
} from './sequence';

const SUPPORTED_FACTORS = new Set(['country', 'site']);

export type LiveRandomization = {
  trialId: string;
  environment: Environment;
  config: RandomizationConfig;
  commitment: string;
  /** Slot at a 1-based position of a stratum; sequences are cached per stratum. */
  slot(stratumKey: string, position: number): SequenceSlot;
};

export type ConfigView = {
  environment: Environment;
  config: RandomizationConfig;
  canonicalConfig: string;
  live: boolean;
  liveAt: Date | null;
  commitment: string | null;
  updatedAt: Date;
};

/**
 * The statistician's side: configuration per environment, the sealed seed, go-live with its
 * commitment, and audited reads of the seed and of the future sequence. The seed is encrypted at
 * rest with the vault keys (AES-256-GCM) and never leaves this service except to the statistician.
 */
@Injectable()
export class RandomizationConfigService {
  private readonly keyring: IdentityKeyring;
  private readonly liveCache = new Map<Environment, LiveRandomization>();

  constructor(
    private readonly repo: RandomizationRepository,
    private readonly trials: TrialsService,
    private readonly tx: TransactionRunner,
    private readonly clock: Clock,
    private readonly random: RandomSource,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    const { keyring, problems } = parseIdentityKeys(config.IDENTITY_KEYS);
    if (!keyring) {
      throw new Error(`IDENTITY_KEYS: ${problems.join('; ')}`);
    }
    this.keyring = keyring;
  }

  async view(environment: Environment): Promise<ConfigView> {
    const trial = await this.trials.current();
    const row = await this.repo.config(trial.id, environment);
    if (!row) {
      throw RandomizationErrors.notConfigured(environment);
    }
    return toView(row);
  }

  /** Public commitments (every role may see them): what is live, and its SHA-256 commitment. */
  async commitments(): Promise<
    {
      environment: Environment;
      live: boolean;
      liveAt: Date | null;
      commitment: string | null;
      canonicalConfig: string;
    }[]
  > {
    const trial = await this.trials.current();
    const out = [];
    for (const env of ['production', 'test'] as const) {
      const row = await this.repo.config(trial.id, env);
      if (row) {
        out.push({
          environment: env,
          live: row.liveAt !== null,
          liveAt: row.liveAt,
          commitment: row.commitment,
          canonicalConfig: canonicalConfigJson(row.config),
        });
      }
    }
    return out;
  }

  async save(
    environment: Environment,
    input: RandomizationConfigInput,
    seedHex?: string,
  ): Promise<ConfigView> {
    const normal = normalizeConfig(input);
    if (!normal.ok) {
      throw RandomizationErrors.invalidConfig(normal.errors);
    }
    for (const f of normal.config.strataFactors) {
      if (!SUPPORTED_FACTORS.has(f)) {
        throw RandomizationErrors.stratumFactorUnsupported(f);
      }
    }
    if (seedHex !== undefined) {
      const problems = validateSeed(seedHex);
      if (problems.length) {
        throw RandomizationErrors.invalidSeed(problems);
      }
    }
    const trial = await this.trials.current();
    await this.tx.run(async (uow) => {
      const existing = await this.repo.config(trial.id, environment, uow.em, true);
      if (existing?.liveAt) {
        throw RandomizationErrors.locked(environment);
      }
      const seed = seedHex
        ? normalizeSeed(seedHex)
        : existing
          ? this.openSeed(trial.id, environment, existing.sealedSeed)
          : generateSeed((n) => this.random.bytes(n));
      await this.repo.saveConfig(
        trial.id,
        environment,
        normal.config,
        this.sealSeed(trial.id, environment, seed),
        this.clock.now(),
        RequestContext.actor().id,
        uow.em,
      );
      uow.audit({
        action: 'randomization.config_saved',
        entity: 'randomization_config',
        entityId: environment,
        before: existing ? { config: existing.config } : null,
        after: {
          config: normal.config,
          seedSupplied: seedHex !== undefined,
          seedChanged: seedHex !== undefined || !existing,
        },
      });
    });
    return this.view(environment);
  }

  /**
   * Locks the configuration and records the commitment sha256(seed + "\n" + canonical config) in
   * the audit trail. Creates the default configuration with a CSPRNG seed if none was saved.
   */
  async goLive(environment: Environment): Promise<ConfigView> {
    const trial = await this.trials.current();
    await this.tx.run(async (uow) => {
      let row = await this.repo.config(trial.id, environment, uow.em, true);
      if (row?.liveAt) {
        throw RandomizationErrors.locked(environment);
      }
      if (!row) {
        const normal = normalizeConfig({});
        if (!normal.ok) {
          throw RandomizationErrors.invalidConfig(normal.errors);
        }
        const seed = generateSeed((n) => this.random.bytes(n));
        await this.repo.saveConfig(
          trial.id,
          environment,
          normal.config,
          this.sealSeed(trial.id, environment, seed),
          this.clock.now(),
          RequestContext.actor().id,
          uow.em,
        );
        row = (await this.repo.config(trial.id, environment, uow.em, true)) as ConfigRow;
      }
      const seed = this.openSeed(trial.id, environment, row.sealedSeed);
      const digest = commitment(seed, row.config);
      await this.repo.goLive(
        trial.id,
        environment,
        digest,
        this.clock.now(),
        RequestContext.actor().id,
        uow.em,
      );
      uow.audit({
        action: 'randomization.went_live',
        entity: 'randomization_config',
        entityId: environment,
        after: {
          environment,
          commitment: digest,
          canonicalConfig: canonicalConfigJson(row.config),
        },
      });
    });
    this.liveCache.delete(environment);
    return this.view(environment);
  }

  /** The seed, for the statistician only; every read is audited. */
  async revealSeed(
    environment: Environment,
  ): Promise<{ environment: Environment; seed: string; commitment: string | null }> {
    const trial = await this.trials.current();
    return this.tx.run(async (uow) => {
      const row = await this.repo.config(trial.id, environment, uow.em);
      if (!row) {
        throw RandomizationErrors.notConfigured(environment);
      }
      uow.audit({
        action: 'randomization.seed_read',
        entity: 'randomization_config',
        entityId: environment,
      });
      return {
        environment,
        seed: this.openSeed(trial.id, environment, row.sealedSeed),
        commitment: row.commitment,
      };
    });
  }

  /** Positions `from`…`from+count-1` of a stratum's sequence (statistician only; audited). */
  async futureSequence(
    environment: Environment,
    stratumKey: string,
    from: number,
    count: number,
  ): Promise<SequenceSlot[]> {
    const trial = await this.trials.current();
    return this.tx.run(async (uow) => {
      const row = await this.repo.config(trial.id, environment, uow.em);
      if (!row) {
        throw RandomizationErrors.notConfigured(environment);
      }
      uow.audit({
        action: 'randomization.sequence_read',
        entity: 'randomization_config',
        entityId: environment,
        after: { stratumKey, from, count },
      });
      const seq = new StratumSequence(
        this.openSeed(trial.id, environment, row.sealedSeed),
        row.config,
        stratumKey,
      );
      return Array.from({ length: count }, (_, i) => seq.at(from + i));
    });
  }

  /** The seed and configuration of an environment, for verification (never leaves the server). */
  async seedAndConfig(environment: Environment): Promise<{
    seed: string;
    config: RandomizationConfig;
    commitment: string | null;
    trialId: string;
  }> {
    const trial = await this.trials.current();
    const row = await this.repo.config(trial.id, environment);
    if (!row) {
      throw RandomizationErrors.notConfigured(environment);
    }
    return {
      seed: this.openSeed(trial.id, environment, row.sealedSeed),
      config: row.config,
      commitment: row.commitment,
      trialId: trial.id,
    };
  }

  /** The live configuration used by allocations (cached; a live configuration never changes). */
  async live(environment: Environment): Promise<LiveRandomization> {
    const cached = this.liveCache.get(environment);
    if (cached) {
      return cached;
    }
    const trial = await this.trials.current();
    const row = await this.repo.config(trial.id, environment);
    if (!row?.liveAt || !row.commitment) {
      throw RandomizationErrors.notLive();
    }
    const seed = this.openSeed(trial.id, environment, row.sealedSeed);
    const sequences = new Map<string, StratumSequence>();
    const live: LiveRandomization = {
      trialId: trial.id,
      environment,
      config: row.config,
      commitment: row.commitment,
      slot: (stratumKey, position) => {
        let seq = sequences.get(stratumKey);
        if (!seq) {
          sequences.set(stratumKey, (seq = new StratumSequence(seed, row.config, stratumKey)));
        }
        return seq.at(position);
      },
    };
    this.liveCache.set(environment, live);
    return live;
  }

  private aad(trialId: string, environment: Environment): string {
    return `randomization-seed:${trialId}:${environment}`;
  }

  private sealSeed(trialId: string, environment: Environment, seed: string): SealedRecord {
    const key = this.keyring.keys.get(this.keyring.currentKeyId) as Buffer;
    return seal(
      Buffer.from(seed, 'utf8'),
      this.aad(trialId, environment),
      this.keyring.currentKeyId,
      key,
      this.random.bytes(IV_BYTES),
    );
  }

  private openSeed(trialId: string, environment: Environment, sealed: SealedRecord): string {
    const key = this.keyring.keys.get(sealed.keyId);
    if (!key) {
      throw new Error(
        `randomisation seed is sealed under key "${sealed.keyId}", which is not configured`,
      );
    }
    return open(sealed, this.aad(trialId, environment), key).toString('utf8');
  }
}

function toView(row: ConfigRow): ConfigView {
  return {
    environment: row.environment,
    config: row.config,
    canonicalConfig: canonicalConfigJson(row.config),
    live: row.liveAt !== null,
    liveAt: row.liveAt,
    commitment: row.commitment,
    updatedAt: row.updatedAt,
  };
}
