import { Module } from '@nestjs/common';
import { SitesModule } from 'src/modules/sites/sites.module';
import { RoleConflictsCheck } from './role-conflicts.check';
import { StaffController } from './staff.controller';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

@Module({
  imports: [SitesModule],
  controllers: [UsersController, StaffController],
  providers: [UsersRepository, UsersService, RoleConflictsCheck],
  exports: [UsersService],
})
export class UsersModule {}
