import { balanceReport, BalanceAllocation, scaledImbalance } from './balance';
import { sequenceFor, SequenceSlot } from './block-sequence';
import { defaultRandomizationConfig } from './randomization-config';

const SEED = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const CFG = defaultRandomizationConfig();

const toStored = (s: SequenceSlot): BalanceAllocation => ({
  stratumKey: s.stratumKey,
  arm: s.arm,
  blockIndex: s.blockIndex,
  positionInBlock: s.positionInBlock,
  blockSize: s.blockSize,
});

describe('balanceReport', () => {
  it('counts per arm and the fill of the current block at every point of a sequence', () => {
    const full = sequenceFor(SEED, CFG, 'country=NL', 60);
    for (let n = 1; n <= 60; n++) {
      const prefix = full.slice(0, n);
      const [r] = balanceReport(CFG, prefix.map(toStored));
      const a = prefix.filter((s) => s.arm === 'A').length;
      expect(r.total).toBe(n);
      expect(r.countsByArm).toEqual({ A: a, B: n - a });
      expect(r.imbalance).toBe(Math.abs(2 * a - n));
      expect(r.warnings).toEqual([]);
      const last = prefix[n - 1];
      if (last.positionInBlock === last.blockSize) {
        // block just completed: the next block has not started, its size is not revealed
        expect(r.currentBlock).toEqual({ blockIndex: last.blockIndex + 1, used: 0, size: null });
        expect(r.completedBlocks).toBe(last.blockIndex + 1);
        expect(r.imbalance).toBe(0);
      } else {
        expect(r.currentBlock).toEqual({
          blockIndex: last.blockIndex,
          used: last.positionInBlock,
          size: last.blockSize,
        });
        expect(r.completedBlocks).toBe(last.blockIndex);
      }
    }
  });

  it('[REQ-RAND-006] shows nothing about future positions: the report depends only on the stored prefix', () => {
    const prefix = sequenceFor(SEED, CFG, 'country=NL', 9).map(toStored);
    const report = balanceReport(CFG, prefix);
    // takes no seed, so it cannot compute any future position
    expect(balanceReport.length).toBe(2);
    expect(Object.keys(report[0].currentBlock).sort()).toEqual(['blockIndex', 'size', 'used']);
    // after a completed block the size of the next one is not revealed
    const completed = prefix.slice(
      0,
      prefix.findIndex((a) => a.positionInBlock === a.blockSize) + 1,
    );
    expect(balanceReport(CFG, completed)[0].currentBlock.size).toBeNull();
    expect(Object.keys(report[0]).sort()).toEqual([
      'completedBlocks',
      'countsByArm',
      'currentBlock',
      'imbalance',
      'stratumKey',
      'total',
      'warnings',
    ]);
  });

  it('reports every stratum separately, configured arms with zero counts, and empty strata', () => {
    const nl = sequenceFor(SEED, CFG, 'country=NL', 3).map(toStored);
    const report = balanceReport(CFG, [{ ...nl[0], stratumKey: 'country=SE' }, ...nl]);
    expect(report.map((r) => r.stratumKey)).toEqual(['country=NL', 'country=SE']);
    const se = report[1];
    expect(se.countsByArm).toEqual(nl[0].arm === 'A' ? { A: 1, B: 0 } : { A: 0, B: 1 });
    expect(balanceReport(CFG, [])).toEqual([]);
  });

  it('flags inconsistent stored data', () => {
    const nl = sequenceFor(SEED, CFG, 'country=NL', 8).map(toStored);
    const broken = [...nl, { ...nl[0], arm: 'C' }, { ...nl[1], blockSize: 99 }];
    const [r] = balanceReport(CFG, broken);
    expect(r.warnings).toEqual(
      expect.arrayContaining([
        "unknown arm code 'C'",
        expect.stringContaining('stored with sizes'),
      ]),
    );
    expect(r.countsByArm.C).toBe(1);
  });

  it('scales imbalance by the ratio', () => {
    const arms = [
      { code: 'A', ratio: 2 },
      { code: 'B', ratio: 1 },
    ];
    expect(scaledImbalance({ A: 2, B: 1 }, arms)).toBe(0);
    expect(scaledImbalance({ A: 4, B: 0 }, arms)).toBe(2);
    expect(scaledImbalance({ A: 0, B: 2 }, arms)).toBe(2);
  });
});
