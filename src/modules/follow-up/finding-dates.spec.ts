import fc from 'fast-check';
import { findingJobId, SWEEP_FINDING_KINDS } from './calendar/sweep-rules';
import { FINDING_ABOUT } from './finding-dates';

describe('FINDING_ABOUT agrees with findingJobId', () => {
  it('the job id of every finding ends with the date the table names', () => {
    const day = (n: number) =>
      new Date(Date.UTC(2026, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
    fc.assert(
      fc.property(
        fc.uuid(),
        fc.integer({ min: 0, max: 2000 }),
        fc.integer({ min: 0, max: 28 }),
        fc.integer({ min: 0, max: 28 }),
        (id, t, b, a) => {
          const visit = {
            targetDate: day(t + 40),
            windowStart: day(t + 40 - b - 1),
            windowEnd: day(t + 40 + a + 1),
          };
          for (const kind of SWEEP_FINDING_KINDS) {
            expect(findingJobId(id, kind, visit).endsWith(`:${visit[FINDING_ABOUT[kind]]}`)).toBe(
              true,
            );
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});
