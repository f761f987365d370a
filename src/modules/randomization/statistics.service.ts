import { Injectable } from '@nestjs/common';
import seedrandom from 'seedrandom';
import { RandomSource } from 'src/common/random/random-source';
import { ReadReplicas } from 'src/kernel/read-replicas';
import { RandomizationConfigService } from './randomization-config.service';
import { RandomizationErrors } from './randomization.errors';
import { Environment, RandomizationRepository } from './randomization.repository';
import {
  balanceReport,
  normalizeConfig,
  RandomizationConfigInput,
  simulate,
  SimulationResult,
  StratumBalance,
  theoreticalMaxImbalance,
  verifyAllocations,
  VerificationReport,
} from './sequence';

/** The statistician's reports: balance, verification against the seed, simulation. */
@Injectable()
export class RandomizationStatisticsService {
  constructor(
    private readonly repo: RandomizationRepository,
    private readonly configs: RandomizationConfigService,
    private readonly random: RandomSource,
    private readonly replicas: ReadReplicas,
  ) {}

  /**
   * Counts per arm and fill of the current block per stratum; never future positions. Stale-
   * tolerant: the allocations are read from a streaming replica when one is fit (ReadReplicas);
   * the verification below always reads the primary.
   */
  async balance(environment: Environment): Promise<StratumBalance[]> {
    const view = await this.configs.view(environment);
    const { trialId } = await this.configs.seedAndConfig(environment);
    const rows = await this.replicas.staleTolerant((db) =>
      this.repo.allAllocations(trialId, environment, db),
    );
    return balanceReport(view.config, rows);
  }

  /** Regenerates every stratum from the seed and compares it with every stored allocation. */
  async verify(environment: Environment, seedOverride?: string): Promise<VerificationReport> {
    const { seed, config, commitment, trialId } = await this.configs.seedAndConfig(environment);
    const rows = await this.repo.allAllocations(trialId, environment);
    const counters = await this.repo.counters(trialId, environment);
    return verifyAllocations(seedOverride ?? seed, config, rows, {
      recordedCommitment: commitment ?? undefined,
      stratumCounters: counters,
    });
  }

  /**
   * Simulates N participants over the strata with a fresh random seed (never the trial's), and
   * reports the largest imbalance and the predictability beside their theoretical values.
   */
  simulate(input: {
    config?: RandomizationConfigInput;
    participants: number;
    strata: string[];
  }): SimulationResult & { theoreticalMaxImbalanceValue: number } {
    const normal = normalizeConfig(input.config ?? {});
    if (!normal.ok) {
      throw RandomizationErrors.invalidConfig(normal.errors);
    }
    const rng = seedrandom(this.random.bytes(16).toString('hex'));
    const result = simulate({
      config: normal.config,
      participants: input.participants,
      strata: input.strata,
      rng: () => rng(),
    });
    return { ...result, theoreticalMaxImbalanceValue: theoreticalMaxImbalance(normal.config) };
  }
}
