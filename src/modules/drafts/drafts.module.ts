import { Module } from '@nestjs/common';
import { DraftsController } from './drafts.controller';
import { DraftsRepository } from './drafts.repository';
import { DraftsService } from './drafts.service';

/** Unsaved form drafts per user, on the server (nothing in the browser's storage). */
@Module({
  controllers: [DraftsController],
  providers: [DraftsRepository, DraftsService],
})
export class DraftsModule {}
