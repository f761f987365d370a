import { Module } from '@nestjs/common';
import { IdentityModule } from 'src/modules/identity/identity.module';
import { SitesModule } from 'src/modules/sites/sites.module';
import { TrialsModule } from 'src/modules/trials/trials.module';
import { ParticipantDates } from './participant-dates.api';
import { ParticipantIdentityController } from './participant-identity.controller';
import { ParticipantsApi } from './participants.api';
import { ParticipantsController } from './participants.controller';
import { ParticipantsReader } from './participants.reader';
import { ParticipantsRepository } from './participants.repository';
import { ParticipantsService } from './participants.service';

@Module({
  imports: [IdentityModule, SitesModule, TrialsModule],
  controllers: [ParticipantsController, ParticipantIdentityController],
  providers: [
    ParticipantsRepository,
    ParticipantsService,
    ParticipantDates,
    ParticipantsApi,
    ParticipantsReader,
  ],
  exports: [ParticipantsService, ParticipantDates, ParticipantsApi, ParticipantsReader],
})
export class ParticipantsModule {}
