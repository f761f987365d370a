/**
 * Balance report from STORED allocations only: counts per arm and the fill of the current block.
 * It takes no seed, so it cannot reveal any future position; the size of a block not yet started
 * is reported as unknown (null).
 */
import { RandomizationConfigInput, assertValidConfig } from './randomization-config';

export interface BalanceAllocation {
  stratumKey: string;
  arm: string;
  blockIndex: number;
  /** 1-based. */
  positionInBlock: number;
  /** Size of the block the allocation belongs to, stored with the allocation. */
  blockSize: number;
}

export interface CurrentBlockFill {
  /** 0-based index of the block the next allocation falls in. */
  blockIndex: number;
  /** Positions of that block already used. */
  used: number;
  /** Its size when it has started; null when it has not (its size is not revealed). */
  size: number | null;
}

export interface StratumBalance {
  stratumKey: string;
  total: number;
  /** Every configured arm (0 when unused), plus any unexpected code found in the data. */
  countsByArm: Record<string, number>;
  /** max − min over arms of count / ratio weight; 0 when balanced, |nA − nB| at 1:1. */
  imbalance: number;
  completedBlocks: number;
  currentBlock: CurrentBlockFill;
  /** Inconsistencies in the stored data (e.g. one block stored with two sizes). */
  warnings: string[];
}

/** Ratio-scaled imbalance: max_i(n_i / w_i) − min_i(n_i / w_i). */
export function scaledImbalance(
  counts: Readonly<Record<string, number>>,
  arms: ReadonlyArray<{ code: string; ratio: number }>,
): number {
  let lo = Infinity;
  let hi = -Infinity;
  for (const arm of arms) {
    const v = (counts[arm.code] ?? 0) / arm.ratio;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  return arms.length === 0 ? 0 : hi - lo;
}

export function balanceReport(
  config: RandomizationConfigInput,
  allocations: readonly BalanceAllocation[],
): StratumBalance[] {
  const cfg = assertValidConfig(config);
  const byStratum = new Map<string, BalanceAllocation[]>();
  for (const a of allocations) {
    const list = byStratum.get(a.stratumKey) ?? [];
    list.push(a);
    byStratum.set(a.stratumKey, list);
  }

  const out: StratumBalance[] = [];
  for (const key of [...byStratum.keys()].sort()) {
    const list = byStratum.get(key) ?? [];
    const warnings: string[] = [];
    const countsByArm: Record<string, number> = {};
    for (const arm of cfg.arms) {
      countsByArm[arm.code] = 0;
    }

    const blocks = new Map<number, { used: number; size: number }>();
    for (const a of list) {
      if (!(a.arm in countsByArm)) {
        warnings.push(`unknown arm code '${a.arm}'`);
      }
      countsByArm[a.arm] = (countsByArm[a.arm] ?? 0) + 1;
      const b = blocks.get(a.blockIndex);
      if (b === undefined) {
        blocks.set(a.blockIndex, { used: 1, size: a.blockSize });
      } else {
        b.used += 1;
        if (b.size !== a.blockSize) {
          warnings.push(`block ${a.blockIndex} stored with sizes ${b.size} and ${a.blockSize}`);
        }
      }
    }

    const indices = [...blocks.keys()].sort((x, y) => x - y);
    let completedBlocks = 0;
    for (const k of indices) {
      const b = blocks.get(k);
      if (b === undefined) {
        continue;
      }
      if (b.used > b.size) {
        warnings.push(`block ${k} holds ${b.used} allocations but has size ${b.size}`);
      }
      if (b.used >= b.size) {
        completedBlocks += 1;
      } else if (k !== indices[indices.length - 1]) {
        warnings.push(
          `block ${k} is incomplete (${b.used} of ${b.size}) but a later block has started`,
        );
      }
    }

    let currentBlock: CurrentBlockFill;
    if (indices.length === 0) {
      currentBlock = { blockIndex: 0, used: 0, size: null };
    } else {
      const lastIndex = indices[indices.length - 1];
      const last = blocks.get(lastIndex) ?? { used: 0, size: 0 };
      currentBlock =
        last.used >= last.size
          ? { blockIndex: lastIndex + 1, used: 0, size: null }
          : { blockIndex: lastIndex, used: last.used, size: last.size };
    }

    out.push({
      stratumKey: key,
      total: list.length,
      countsByArm,
      imbalance: scaledImbalance(countsByArm, cfg.arms),
      completedBlocks,
      currentBlock,
      warnings: [...new Set(warnings)],
    });
  }
  return out;
}
