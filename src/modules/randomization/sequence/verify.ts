/**
 * Verification: regenerate every stratum's sequence from the seed and compare it with the stored
 * allocations. Reports every difference, plus gaps and duplicates in the sequence numbers.
 */
import { StratumSequence } from './block-sequence';
import { commitment as computeCommitment, RandomizationConfigInput } from './randomization-config';

export interface StoredAllocation {
  stratumKey: string;
  sequenceNumber: number;
  arm: string;
  blockIndex: number;
  /** 1-based. */
  positionInBlock: number;
  /** Compared when present. */
  blockSize?: number;
  /** Used in messages and to detect a participant allocated twice. */
  participantId?: string;
}

export type VerificationIssue =
  | {
      kind: 'arm-mismatch';
      stratumKey: string;
      sequenceNumber: number;
      expected: string;
      actual: string;
      participantId?: string;
    }
  | {
      kind: 'block-index-mismatch' | 'position-in-block-mismatch' | 'block-size-mismatch';
      stratumKey: string;
      sequenceNumber: number;
      expected: number;
      actual: number;
      participantId?: string;
    }
  | { kind: 'gap'; stratumKey: string; from: number; to: number }
  | {
      kind: 'duplicate';
      stratumKey: string;
      sequenceNumber: number;
      count: number;
      participantIds: string[];
    }
  | { kind: 'duplicate-participant'; participantId: string; count: number }
  | {
      kind: 'invalid-sequence-number';
      stratumKey: string;
      sequenceNumber: number;
      participantId?: string;
    }
  | { kind: 'commitment-mismatch'; expected: string; actual: string };

export interface StratumVerification {
  stratumKey: string;
  allocations: number;
  maxSequenceNumber: number;
}

export interface VerificationReport {
  ok: boolean;
  checked: number;
  strata: StratumVerification[];
  issues: VerificationIssue[];
  /** Present when a recorded commitment was given. */
  commitmentOk?: boolean;
}

export interface VerifyOptions {
  /** The commitment recorded at go-live; checked against seed + config. */
  recordedCommitment?: string;
  /**
   * Last issued sequence number per stratum (the stratum counter). Lets a missing tail be reported
   * as a gap; strata listed here with no allocations are checked too.
   */
  stratumCounters?: Readonly<Record<string, number>>;
  /** Sequence numbers above this are reported as invalid instead of regenerated. Default 1,000,000. */
  maxSequenceNumber?: number;
}

/** Compact every missing number in 1…upTo (not in `present`) into ranges. */
function gaps(present: ReadonlySet<number>, upTo: number): Array<{ from: number; to: number }> {
  const out: Array<{ from: number; to: number }> = [];
  let start: number | null = null;
  for (let n = 1; n <= upTo; n++) {
    if (!present.has(n)) {
      if (start === null) {
        start = n;
      }
    } else if (start !== null) {
      out.push({ from: start, to: n - 1 });
      start = null;
    }
  }
  if (start !== null) {
    out.push({ from: start, to: upTo });
  }
  return out;
}

export function verifyAllocations(
  seedHex: string,
  config: RandomizationConfigInput,
  allocations: readonly StoredAllocation[],
  options: VerifyOptions = {},
): VerificationReport {
  const limit = options.maxSequenceNumber ?? 1_000_000;
  const issues: VerificationIssue[] = [];
  let commitmentOk: boolean | undefined;

  if (options.recordedCommitment !== undefined) {
    const actual = computeCommitment(seedHex, config);
    const expected = options.recordedCommitment.trim().toLowerCase();
    commitmentOk = actual === expected;
    if (!commitmentOk) {
      issues.push({ kind: 'commitment-mismatch', expected, actual });
    }
  }

  const byStratum = new Map<string, StoredAllocation[]>();
  for (const a of allocations) {
    const list = byStratum.get(a.stratumKey) ?? [];
    list.push(a);
    byStratum.set(a.stratumKey, list);
  }
  for (const key of Object.keys(options.stratumCounters ?? {})) {
    if (!byStratum.has(key)) {
      byStratum.set(key, []);
    }
  }

  const strata: StratumVerification[] = [];
  for (const key of [...byStratum.keys()].sort()) {
    const list = [...(byStratum.get(key) ?? [])].sort(
      (a, b) => a.sequenceNumber - b.sequenceNumber,
    );
    const sequence = new StratumSequence(seedHex, config, key);
    const seen = new Map<number, StoredAllocation[]>();
    let max = 0;

    for (const a of list) {
      const n = a.sequenceNumber;
      if (!Number.isSafeInteger(n) || n < 1 || n > limit) {
        issues.push({
          kind: 'invalid-sequence-number',
          stratumKey: key,
          sequenceNumber: n,
          participantId: a.participantId,
        });
        continue;
      }
      const same = seen.get(n) ?? [];
      same.push(a);
      seen.set(n, same);
      max = Math.max(max, n);

      const expected = sequence.at(n);
      const pid = a.participantId;
      if (a.arm !== expected.arm) {
        issues.push({
          kind: 'arm-mismatch',
          stratumKey: key,
          sequenceNumber: n,
          expected: expected.arm,
          actual: a.arm,
          participantId: pid,
        });
      }
      if (a.blockIndex !== expected.blockIndex) {
        issues.push({
          kind: 'block-index-mismatch',
          stratumKey: key,
          sequenceNumber: n,
          expected: expected.blockIndex,
          actual: a.blockIndex,
          participantId: pid,
        });
      }
      if (a.positionInBlock !== expected.positionInBlock) {
        issues.push({
          kind: 'position-in-block-mismatch',
          stratumKey: key,
          sequenceNumber: n,
          expected: expected.positionInBlock,
          actual: a.positionInBlock,
          participantId: pid,
        });
      }
      if (a.blockSize !== undefined && a.blockSize !== expected.blockSize) {
        issues.push({
          kind: 'block-size-mismatch',
          stratumKey: key,
          sequenceNumber: n,
          expected: expected.blockSize,
          actual: a.blockSize,
          participantId: pid,
        });
      }
    }

    for (const [n, same] of [...seen.entries()].sort((x, y) => x[0] - y[0])) {
      if (same.length > 1) {
        issues.push({
          kind: 'duplicate',
          stratumKey: key,
          sequenceNumber: n,
          count: same.length,
          participantIds: same
            .map((s) => s.participantId)
            .filter((p): p is string => p !== undefined),
        });
      }
    }

    const counter = options.stratumCounters?.[key];
    const upTo = Math.max(
      max,
      counter !== undefined && Number.isSafeInteger(counter) ? Math.min(counter, limit) : 0,
    );
    for (const g of gaps(new Set(seen.keys()), upTo)) {
      issues.push({ kind: 'gap', stratumKey: key, ...g });
    }

    strata.push({ stratumKey: key, allocations: list.length, maxSequenceNumber: max });
  }

  const perParticipant = new Map<string, number>();
  for (const a of allocations) {
    if (a.participantId !== undefined) {
      perParticipant.set(a.participantId, (perParticipant.get(a.participantId) ?? 0) + 1);
    }
  }
  for (const [participantId, count] of [...perParticipant.entries()].sort((x, y) =>
    x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0,
  )) {
    if (count > 1) {
      issues.push({ kind: 'duplicate-participant', participantId, count });
    }
  }

  return { ok: issues.length === 0, checked: allocations.length, strata, issues, commitmentOk };
}

/** One line per issue, for logs and the command-line verifier. */
export function describeIssue(issue: VerificationIssue): string {
  switch (issue.kind) {
    case 'arm-mismatch':
      return `${issue.stratumKey} #${issue.sequenceNumber}: stored arm ${issue.actual}, sequence says ${issue.expected}`;
    case 'block-index-mismatch':
    case 'position-in-block-mismatch':
    case 'block-size-mismatch':
      return `${issue.stratumKey} #${issue.sequenceNumber}: ${issue.kind.replace('-mismatch', '')} stored ${issue.actual}, sequence says ${issue.expected}`;
    case 'gap':
      return issue.from === issue.to
        ? `${issue.stratumKey}: sequence number ${issue.from} missing`
        : `${issue.stratumKey}: sequence numbers ${issue.from}–${issue.to} missing`;
    case 'duplicate':
      return `${issue.stratumKey} #${issue.sequenceNumber}: used ${issue.count} times`;
    case 'duplicate-participant':
      return `participant ${issue.participantId}: ${issue.count} allocations`;
    case 'invalid-sequence-number':
      return `${issue.stratumKey}: invalid sequence number ${issue.sequenceNumber}`;
    case 'commitment-mismatch':
      return `commitment mismatch: recorded ${issue.expected}, seed and configuration give ${issue.actual}`;
  }
}
