import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsString, MaxLength, MinLength } from 'class-validator';
import { ValidateEnum, ValidateMatches, ValidateText } from 'src/common/validation/validators';
import { ROLES, type Role } from 'src/common/context/roles';
import { LoginResponseDto } from 'src/modules/access/dto/login.dto';

const SIX_DIGITS = /^\d{6}$/;
const RECOVERY = /^[A-Za-z0-9 -]{16,24}$/;

/** The answer of a correct password when the account has a second factor: the sign-in's second step. */
export class SecondFactorChallengeDto {
  @ApiProperty({ enum: ['second_factor_required'] }) status: 'second_factor_required';
  @ApiProperty({
    description:
      'Opaque, short-lived (SECOND_FACTOR_CHALLENGE_TTL_SECONDS): send it back with the code to POST /auth/login/second-factor',
  })
  challenge: string;
}

export class SecondFactorSignInDto {
  @ApiProperty({ maxLength: 2000 })
  @IsString()
  @MinLength(1)
  @MaxLength(2000)
  challenge: string;

  @ValidateMatches(SIX_DIGITS, 'must be the 6 digits the authenticator app shows', {
    optional: true,
    description: 'The current code of the authenticator app (give this or recoveryCode)',
  })
  code?: string;

  @ValidateMatches(RECOVERY, 'must be one of your recovery codes (xxxx-xxxx-xxxx-xxxx)', {
    optional: true,
    description: 'One of the recovery codes, each usable once (give this or code)',
  })
  recoveryCode?: string;
}

export class SecondFactorCodeDto {
  @ValidateMatches(SIX_DIGITS, 'must be the 6 digits the authenticator app shows', {
    description: 'The current code of the authenticator app',
  })
  code: string;
}

export class RemoveSecondFactorDto extends SecondFactorCodeDto {
  @ApiProperty({ maxLength: 128, description: 'The account password, again' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;
}

export class SecondFactorEnrolmentDto {
  @ApiProperty({ description: 'The TOTP secret (base32), for typing into the app by hand' })
  secret: string;
  @ApiProperty({ description: 'otpauth:// URL for the QR code' }) otpauthUrl: string;
}

export class RecoveryCodesDto {
  @ApiProperty({
    type: [String],
    description: 'Shown once: each code signs in once in place of an app code',
  })
  recoveryCodes: string[];
}

export class ConfirmedEnrolmentDto extends RecoveryCodesDto {
  @ApiProperty({
    type: LoginResponseDto,
    description: 'A new session in the same role, without the set-up restriction',
  })
  session: LoginResponseDto;
}

export class SecondFactorStatusDto {
  @ApiProperty({ description: 'A confirmed second factor is set up' }) enrolled: boolean;
  @ApiProperty({ description: 'A set-up was started and not confirmed' }) pending: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) confirmedAt: string | null;
  @ApiProperty() recoveryCodesLeft: number;
  @ApiProperty({ enum: ROLES, isArray: true, description: "The account's roles that require one" })
  requiredForRoles: Role[];
  @ApiProperty({ description: 'The acting role requires one' }) requiredForActingRole: boolean;
}

export class SecondFactorPolicyDto {
  @IsArray()
  @ArrayMaxSize(ROLES.length)
  @ValidateEnum(ROLES, {
    each: true,
    description: 'The roles whose sign-in requires a second factor',
  })
  roles: Role[];
}

export class ResetSecondFactorDto {
  @ValidateText(500, {
    description: 'Why (e.g. the phone and the recovery codes were lost); kept in the audit trail',
  })
  reason: string;
}
