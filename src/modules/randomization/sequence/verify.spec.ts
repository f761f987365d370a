import { sequenceFor } from './block-sequence';
import { commitment, defaultRandomizationConfig } from './randomization-config';
import { describeIssue, StoredAllocation, verifyAllocations } from './verify';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const OTHER_SEED = 'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100';
const CFG = defaultRandomizationConfig();

function stored(): StoredAllocation[] {
  const out: StoredAllocation[] = [];
  for (const key of ['country=NL', 'country=NO']) {
    for (const s of sequenceFor(SEED, CFG, key, 40)) {
      out.push({
        stratumKey: key,
        sequenceNumber: s.sequenceNumber,
        arm: s.arm,
        blockIndex: s.blockIndex,
        positionInBlock: s.positionInBlock,
        blockSize: s.blockSize,
        participantId: `${key}-p${s.sequenceNumber}`,
      });
    }
  }
  return out;
}

describe('verifyAllocations', () => {
  it('accepts allocations equal to the regenerated sequence, in any order', () => {
    const list = stored().reverse();
    const report = verifyAllocations(SEED, CFG, list, {
      recordedCommitment: commitment(SEED, CFG),
      stratumCounters: { 'country=NL': 40, 'country=NO': 40 },
    });
    expect(report.issues).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.commitmentOk).toBe(true);
    expect(report.checked).toBe(80);
    expect(report.strata).toEqual([
      { stratumKey: 'country=NL', allocations: 40, maxSequenceNumber: 40 },
      { stratumKey: 'country=NO', allocations: 40, maxSequenceNumber: 40 },
    ]);
  });

  it('[REQ-RAND-005] finds a tampered arm', () => {
    const list = stored();
    const t = list[12];
    t.arm = t.arm === 'A' ? 'B' : 'A';
    const report = verifyAllocations(SEED, CFG, list);
    expect(report.ok).toBe(false);
    expect(report.issues).toEqual([
      {
        kind: 'arm-mismatch',
        stratumKey: 'country=NL',
        sequenceNumber: 13,
        expected: t.arm === 'A' ? 'B' : 'A',
        actual: t.arm,
        participantId: 'country=NL-p13',
      },
    ]);
    expect(describeIssue(report.issues[0])).toContain('country=NL #13: stored arm');
  });

  it('finds a gap, including a missing tail when the stratum counter is given', () => {
    const list = stored().filter(
      (a) =>
        !(
          a.stratumKey === 'country=NO' &&
          (a.sequenceNumber === 7 || a.sequenceNumber === 8 || a.sequenceNumber === 40)
        ),
    );
    const report = verifyAllocations(SEED, CFG, list, {
      stratumCounters: { 'country=NL': 40, 'country=NO': 40, 'country=SE': 2 },
    });
    expect(report.issues).toEqual([
      { kind: 'gap', stratumKey: 'country=NO', from: 7, to: 8 },
      { kind: 'gap', stratumKey: 'country=NO', from: 40, to: 40 },
      { kind: 'gap', stratumKey: 'country=SE', from: 1, to: 2 },
    ]);
    expect(verifyAllocations(SEED, CFG, list).issues).toEqual([
      { kind: 'gap', stratumKey: 'country=NO', from: 7, to: 8 },
    ]);
    expect(describeIssue(report.issues[0])).toBe('country=NO: sequence numbers 7–8 missing');
  });

  it('[REQ-RAND-005] finds a duplicate sequence number and a participant allocated twice', () => {
    const list = stored();
    const original = list.find((a) => a.stratumKey === 'country=NL' && a.sequenceNumber === 5);
    if (original === undefined) {
      throw new Error('fixture');
    }
    list.push({ ...original, participantId: 'intruder' });
    // the same participant given a second, otherwise correct, slot in another stratum
    const s41 = sequenceFor(SEED, CFG, 'country=NO', 41)[40];
    list.push({
      stratumKey: 'country=NO',
      sequenceNumber: 41,
      arm: s41.arm,
      blockIndex: s41.blockIndex,
      positionInBlock: s41.positionInBlock,
      blockSize: s41.blockSize,
      participantId: 'country=NL-p21',
    });
    const report = verifyAllocations(SEED, CFG, list);
    expect(report.issues).toEqual([
      {
        kind: 'duplicate',
        stratumKey: 'country=NL',
        sequenceNumber: 5,
        count: 2,
        participantIds: ['country=NL-p5', 'intruder'],
      },
      { kind: 'duplicate-participant', participantId: 'country=NL-p21', count: 2 },
    ]);
  });

  it('reports wrong block bookkeeping and invalid sequence numbers', () => {
    const list = stored().slice(0, 10);
    list[3] = { ...list[3], blockIndex: list[3].blockIndex + 1, positionInBlock: 9, blockSize: 8 };
    list.push({ ...list[0], sequenceNumber: 0, participantId: 'zero' });
    list.push({ ...list[0], sequenceNumber: 5_000_000, participantId: 'huge' });
    const kinds = verifyAllocations(SEED, CFG, list).issues.map((i) => i.kind);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'block-index-mismatch',
        'position-in-block-mismatch',
        'block-size-mismatch',
        'invalid-sequence-number',
      ]),
    );
    expect(kinds.filter((k) => k === 'invalid-sequence-number')).toHaveLength(2);
  });

  it('[REQ-RAND-005] fails for the wrong seed and for a wrong commitment', () => {
    const report = verifyAllocations(OTHER_SEED, CFG, stored(), {
      recordedCommitment: commitment(SEED, CFG),
    });
    expect(report.ok).toBe(false);
    expect(report.commitmentOk).toBe(false);
    expect(report.issues[0].kind).toBe('commitment-mismatch');
    expect(report.issues.filter((i) => i.kind === 'arm-mismatch').length).toBeGreaterThan(10);
  });
});
