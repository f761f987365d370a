import { Module } from '@nestjs/common';
import { CoreModule } from './core.module';
import { AuditModule } from './modules/audit/audit.module';
import { AuthModule } from './modules/auth/auth.module';
import { HealthController } from './modules/health/health.controller';
import { NotificationsModule } from './modules/notifications/notifications.module';
import { SitesModule } from './modules/sites/sites.module';
import { TrialsModule } from './modules/trials/trials.module';
import { UsersModule } from './modules/users/users.module';

/** The HTTP API. Processors are not here: they run in the worker (WorkerModule). */
@Module({
  imports: [CoreModule, AuthModule, UsersModule, SitesModule, TrialsModule, AuditModule, NotificationsModule],
  controllers: [HealthController],
})
export class AppModule {}
