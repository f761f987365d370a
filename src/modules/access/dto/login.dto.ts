import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ValidateEnum } from 'src/common/validation/validators';
import { UserResponseDto } from 'src/modules/access/dto/user.dto';
import { ROLES, type Role } from 'src/common/context/roles';

export class LoginDto {
  @ApiProperty({ maxLength: 254 })
  @IsString()
  @MinLength(1)
  @MaxLength(254)
  email: string;

  @ApiProperty({ maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;

  @ValidateEnum(ROLES, {
    optional: true,
    description: 'The role to act in; absent: the least privileged of the account',
  })
  role?: Role;
}

export class SwitchRoleDto {
  @ValidateEnum(ROLES, {
    description: 'One of the roles the account may act in (user.actingRoles)',
  })
  role: Role;
}

export class LoginResponseDto {
  @ApiProperty() accessToken: string;
  @ApiProperty({ description: 'Seconds until the token expires' }) expiresIn: number;
  @ApiProperty({ enum: ROLES, description: 'The one role this token acts in' }) actingRole: Role;
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
  @ApiProperty({
    description:
      'Seconds until the session ends unless renewed (POST /auth/refresh, with the httpOnly cookie set by this answer)',
  })
  idleExpiresIn: number;
  @ApiProperty({ description: 'Seconds until the session ends however active; then sign in again' })
  absoluteExpiresIn: number;
  @ApiPropertyOptional({
    description:
      'true: the acting role requires a second factor the account has not set up; until it is set up (POST /auth/second-factor/enrolment) every other route answers 403 SECOND_FACTOR_ENROLMENT_REQUIRED',
  })
  secondFactorEnrolmentRequired?: boolean;
}

export class SignedOutResponseDto {
  @ApiProperty({ description: 'How many sessions were ended (0: there was none to end)' })
  sessionsEnded: number;
}
