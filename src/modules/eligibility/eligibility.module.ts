import { Module } from '@nestjs/common';
import { IdentityModule } from 'src/modules/identity/identity.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { AccessModule } from 'src/modules/access/access.module';
import { NotificationsModule } from 'src/modules/notifications/notifications.module';
import { ConsentRenewalController } from './consent-renewal.controller';
import { ConsentRenewalRepository } from './consent-renewal.repository';
import { ConsentRenewalService } from './consent-renewal.service';
import { EligibilityController } from './eligibility.controller';
import { EligibilityReader } from './eligibility.reader';
import { EligibilityRepository } from './eligibility.repository';
import { EligibilityService } from './eligibility.service';
import { ScreeningLogController } from './screening-log.controller';
import { ScreeningLogRepository } from './screening-log.repository';
import { ScreeningLogService } from './screening-log.service';
import { ScreeningController } from './screening.controller';
import { ScreeningService } from './screening.service';
import { WorkWaitingNotifier } from './work-waiting.notifier';

/**
 * Screening data, the criteria engine (./engine, pure), assessments with investigator sign-off,
 * consent and re-screening, the screening log, and the randomisation gate (EligibilityService).
 */
@Module({
  imports: [ParticipantsModule, IdentityModule, TrialsModule, AccessModule, NotificationsModule],
  controllers: [
    ScreeningController,
    EligibilityController,
    ScreeningLogController,
    ConsentRenewalController,
  ],
  providers: [
    ConsentRenewalRepository,
    ConsentRenewalService,
    EligibilityRepository,
    ScreeningService,
    EligibilityService,
    ScreeningLogRepository,
    ScreeningLogService,
    WorkWaitingNotifier,
    EligibilityReader,
  ],
  exports: [EligibilityService, ScreeningService, EligibilityReader],
})
export class EligibilityModule {}
