import { DEFAULT_TRIAL_SETTINGS, type TrialSettings } from 'src/modules/trials/trial-settings';
import { DEFAULT_ARM_A_PLAN_CONFIG } from './calendar/arm-a-plan';
import { readSchedulingSettings } from './scheduling-settings';

const withScheduling = (scheduling: Partial<TrialSettings['scheduling']>): TrialSettings => ({
  scheduling: { ...DEFAULT_TRIAL_SETTINGS.scheduling, ...scheduling },
});

describe('scheduling settings', () => {
  it('reads the seeded defaults', () => {
    expect(readSchedulingSettings(DEFAULT_TRIAL_SETTINGS)).toEqual({
      leadTimeDays: 56,
      waitLimitMonths: 3,
      horizonQuarters: 12,
      centreByCountry: { NO: 'BER', SE: 'UPP', DK: 'CPH', NL: 'AMS' },
      plan: DEFAULT_ARM_A_PLAN_CONFIG,
    });
  });

  it('fills keys missing from an older trial row with the defaults', () => {
    const old = {
      scheduling: {
        defaultQuarterlyCapacity: 2,
        leadTimeDays: 42,
        waitLimitMonths: 4,
        centreByCountry: {},
      },
    };
    expect(readSchedulingSettings(old)).toMatchObject({
      leadTimeDays: 42,
      waitLimitMonths: 4,
      horizonQuarters: 12,
      plan: DEFAULT_ARM_A_PLAN_CONFIG,
    });
  });

  it('merges partial plan offsets and refuses unusable values, naming each', () => {
    expect(
      readSchedulingSettings(withScheduling({ armAPlan: { harvestDaysBeforeAdmission: 35 } })),
    ).toMatchObject({
      plan: { ...DEFAULT_ARM_A_PLAN_CONFIG, harvestDaysBeforeAdmission: 35 },
    });
    expect(
      readSchedulingSettings(
        withScheduling({
          leadTimeDays: -1,
          bookingHorizonQuarters: 0,
          armAPlan: { harvestDaysBeforeAdmission: 50 },
        }),
      ),
    ).toEqual({
      problems: [
        'scheduling.leadTimeDays must be an integer 0..365',
        'scheduling.bookingHorizonQuarters must be an integer 1..40',
        'scheduling.armAPlan: harvestDaysBeforeAdmission must be within 21..42, got 50',
      ],
    });
  });
});
