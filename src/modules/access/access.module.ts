import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { ThrottlerModule } from '@nestjs/throttler';
import { APP_CONFIG, AppConfig } from 'src/config/app-config';
import { SitesModule } from 'src/modules/sites/sites.module';
import { AuthController } from './auth.controller';
import { AuthGuard } from './auth.guard';
import { AuthService } from './auth.service';
import { OidcClient } from './oidc-client';
import { RoleConflictsCheck } from './role-conflicts.check';
import { SigningService } from './signing.service';
import { SsoController } from './sso.controller';
import { SsoRepository } from './sso.repository';
import { SsoService } from './sso.service';
import { StaffController } from './staff.controller';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersService } from './users.service';

/**
 * Access: staff accounts (users, their roles and dated site memberships), sign-in and the acting
 * role, and the global guard that denies every route without `@Roles`/`@Public`.
 */
@Module({
  imports: [
    SitesModule,
    JwtModule.registerAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => ({
        secret: config.JWT_SECRET,
        signOptions: { expiresIn: config.JWT_TTL_SECONDS, algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    ThrottlerModule.forRootAsync({
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig) => [
        { ttl: 60_000, limit: config.LOGIN_RATE_LIMIT_PER_MINUTE },
      ],
    }),
  ],
  controllers: [AuthController, UsersController, StaffController, SsoController],
  providers: [
    UsersRepository,
    UsersService,
    RoleConflictsCheck,
    AuthService,
    OidcClient,
    SsoRepository,
    SsoService,
    SigningService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [AuthService, UsersService],
})
export class AccessModule {}
