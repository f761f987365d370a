import { parseArgs } from 'node:util';
import { loadConfig } from 'src/config/app-config';
import { createDataSource } from 'src/database/data-source';
import {
  commitment,
  normalizeSeed,
  RandomizationConfig,
  validateSeed,
  verifyAllocations,
  describeIssue,
} from 'src/modules/randomization/sequence';

/**
 * `npm run randomization:verify -- --seed <hex> [--environment production]`: once the seed is
 * revealed after the trial, anyone with database read access checks that sha256(seed + config)
 * equals the commitment recorded at go-live, and that every stored allocation is the one the
 * seed gives. Exits 1 on any difference.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { seed: { type: 'string' }, environment: { type: 'string', default: 'production' } },
  });
  if (!values.seed) {
    throw new Error('--seed <hex> is required');
  }
  const problems = validateSeed(values.seed);
  if (problems.length) {
    throw new Error(`--seed: ${problems.join('; ')}`);
  }
  const seed = normalizeSeed(values.seed);
  const config = loadConfig();
  const ds = createDataSource({ ...config, DATABASE_POOL_SIZE: 2 });
  await ds.initialize();
  try {
    const [row]: { config: RandomizationConfig; commitment: string | null; trial_id: string }[] =
      await ds.query(
        `SELECT config, commitment, trial_id FROM randomization_configs WHERE environment = $1 ORDER BY updated_at LIMIT 1`,
        [values.environment],
      );
    if (!row) {
      throw new Error(`no ${values.environment} randomisation configuration`);
    }
    const computed = commitment(seed, row.config);
    const allocations: {
      stratumKey: string;
      sequenceNumber: number;
      arm: string;
      blockIndex: number;
      positionInBlock: number;
      blockSize: number;
      participantId: string;
    }[] = await ds.query(
      `SELECT stratum_key AS "stratumKey", sequence_number AS "sequenceNumber", arm, block_index AS "blockIndex",
                position_in_block AS "positionInBlock", block_size AS "blockSize", participant_id AS "participantId"
         FROM allocations WHERE trial_id = $1 AND environment = $2 ORDER BY stratum_key, sequence_number`,
      [row.trial_id, values.environment],
    );
    const report = verifyAllocations(seed, row.config, allocations, {
      recordedCommitment: row.commitment ?? undefined,
    });
    process.stdout.write(
      `commitment recorded: ${row.commitment ?? '(not live)'}\ncommitment computed: ${computed}\n`,
    );
    process.stdout.write(
      `${report.checked} allocations in ${report.strata.length} strata checked\n`,
    );
    for (const issue of report.issues) {
      process.stdout.write(`  ${describeIssue(issue)}\n`);
    }
    if (!report.ok || row.commitment !== computed) {
      process.stdout.write('VERIFICATION FAILED\n');
      process.exitCode = 1;
    } else {
      process.stdout.write(
        'verification passed: the commitment matches and every allocation is the sequence the seed gives\n',
      );
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((error: Error) => {
  process.stderr.write(`randomization:verify failed: ${error.message}\n`);
  process.exit(2);
});
