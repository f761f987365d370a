import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { ValidateEnum, ValidateMatches } from 'src/common/validation/validators';
import { ROLES, type Role } from 'src/common/context/roles';

/** A token-like value as providers and this server make them: URL-safe characters only. */
const OPAQUE = /^[A-Za-z0-9._~+/=-]{1,2048}$/;

export class SsoConfigResponseDto {
  @ApiProperty({ description: 'Whether sign-in with the hospital account (OpenID Connect) is on' })
  enabled: boolean;
}

export class SsoStartDto {
  @ValidateEnum(ROLES, {
    optional: true,
    description: 'The role to act in after signing in; absent: the least privileged of the account',
  })
  role?: Role;
}

export class SsoRedirectResponseDto {
  @ApiProperty({
    description:
      "The provider's authorization URL: the page sends the browser there (top-level navigation)",
  })
  authorizationUrl: string;
}

/** The query the provider redirected the browser to OIDC_REDIRECT_URL with, handed on by the page. */
export class SsoCallbackDto {
  @ValidateMatches(OPAQUE, 'must be the code the provider returned', {
    description: 'The authorization code (single use)',
  })
  code: string;

  @ValidateMatches(OPAQUE, 'must be the state the provider returned', {
    description: 'The state of the request, as returned by the provider',
  })
  state: string;

  @ValidateMatches(/^https?:\/\/\S{1,500}$/, 'must be the issuer the provider returned', {
    optional: true,
    description: 'The issuer the provider named in the answer (RFC 9207), when it did',
  })
  iss?: string;
}

const ASSERTION_PURPOSES = ['signature', 'signing_password'] as const;

export class SsoReauthDto {
  @ValidateEnum(ASSERTION_PURPOSES, {
    description:
      'What the fresh authentication is for: an electronic signature, or setting a signing password',
  })
  purpose: (typeof ASSERTION_PURPOSES)[number];
}

export class SigningAssertionResponseDto {
  @ApiProperty({
    description:
      'Proof of the fresh authentication at the provider: present it once, as signingAssertion',
  })
  signingAssertion: string;

  @ApiProperty({ enum: ASSERTION_PURPOSES }) purpose: (typeof ASSERTION_PURPOSES)[number];

  @ApiProperty({ description: 'Seconds it may still be presented' }) expiresIn: number;
}

export class SigningOptionsResponseDto {
  @ApiProperty({ description: 'The account has a sign-in password here (it can sign with it)' })
  accountPassword: boolean;

  @ApiProperty({ description: 'A signing password is set' })
  signingPassword: boolean;

  @ApiProperty({
    description: 'Single sign-on is on: the user can re-authenticate at the hospital to sign',
  })
  ssoReauthentication: boolean;
}

const present = (_: unknown, v: unknown) => v !== undefined;

export class SetSigningPasswordDto {
  /** Not trimmed: a password is compared exactly. */
  @ApiProperty({ minLength: 12, maxLength: 128, description: 'The new signing password' })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password: string;

  @ApiPropertyOptional({
    maxLength: 128,
    description: "Proof: the account's sign-in password (or give signingAssertion)",
  })
  @ValidateIf(present)
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword?: string;

  @ValidateMatches(OPAQUE, 'must be a signing assertion', {
    optional: true,
    description:
      'Proof: a signing assertion of purpose signing_password, from a re-authentication at the hospital',
  })
  signingAssertion?: string;
}
