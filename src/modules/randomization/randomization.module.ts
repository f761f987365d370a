import { Module } from '@nestjs/common';
import { EligibilityModule } from 'src/modules/eligibility/eligibility.module';
import { ParticipantsModule } from 'src/modules/participants/participants.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { AllocationService } from './allocation.service';
import { AllocationsReader } from './allocations.reader';
import { InterventionReceipts } from './intervention-receipts.api';
import { InterventionDiscontinuationService } from './intervention-discontinuation.service';
import { AllocationsController } from './allocations.controller';
import { RandomizationConfigService } from './randomization-config.service';
import { RandomizationController } from './randomization.controller';
import { RandomizationListeners } from './randomization.listeners';
import { RandomizationRepository } from './randomization.repository';
import { RandomizationStatisticsService } from './statistics.service';
import { UnblindingService } from './unblinding.service';

@Module({
  imports: [ParticipantsModule, EligibilityModule, TrialsModule],
  controllers: [RandomizationController, AllocationsController],
  providers: [
    RandomizationRepository,
    RandomizationConfigService,
    AllocationService,
    InterventionReceipts,
    InterventionDiscontinuationService,
    RandomizationStatisticsService,
    UnblindingService,
    RandomizationListeners,
    AllocationsReader,
  ],
  exports: [AllocationService, InterventionReceipts, RandomizationConfigService, AllocationsReader],
})
export class RandomizationModule {}
