import { Injectable } from '@nestjs/common';
import type { TrialSettings } from './trial-settings';
import { TrialsService } from './trials.service';

export type { TrialSettings } from './trial-settings';

/** What other modules may read of the trial: its configuration (trials.settings). */
@Injectable()
export class TrialsReader {
  constructor(private readonly trials: TrialsService) {}

  async settings(): Promise<TrialSettings> {
    return (await this.trials.current()).settings;
  }
}
