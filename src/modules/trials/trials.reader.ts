import { Injectable } from '@nestjs/common';
import type { TrialSettings } from './trial-settings';
import { TrialsService } from './trials.service';

export type { TrialSettings } from './trial-settings';

/** What other modules may read of the trial: its identity and configuration (trials.settings). */
@Injectable()
export class TrialsReader {
  constructor(private readonly trials: TrialsService) {}

  /** The trial's identity: id, short code and title (no configuration). */
  async trial(): Promise<{ id: string; code: string; name: string }> {
    const { id, code, name } = await this.trials.current();
    return { id, code, name };
  }

  async settings(): Promise<TrialSettings> {
    return (await this.trials.current()).settings;
  }
}
