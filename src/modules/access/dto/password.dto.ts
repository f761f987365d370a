import { ApiProperty } from '@nestjs/swagger';
import { IsEmail, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ValidateText } from 'src/common/validation/validators';
import { UserResponseDto } from 'src/modules/access/dto/user.dto';

/** A password as typed: never trimmed or otherwise changed. */
const NEW_PASSWORD =
  '12 to 128 characters, not containing the e-mail address, not one of your recent passwords';

export class ChangePasswordDto {
  @ApiProperty({ maxLength: 128 })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  currentPassword: string;

  @ApiProperty({ maxLength: 128, description: NEW_PASSWORD })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  newPassword: string;
}

export class ForgotPasswordDto {
  @ApiProperty({ format: 'email', maxLength: 254 })
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email: string;
}

export class ResetPasswordDto {
  @ApiProperty({
    description: 'The token of the e-mailed link (after #token= in the link)',
    maxLength: 128,
  })
  @IsString()
  @Matches(/^[A-Za-z0-9_-]{16,128}$/, { message: 'token is not a password-reset token' })
  token: string;

  @ApiProperty({ maxLength: 128, description: NEW_PASSWORD })
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  newPassword: string;
}

export class AdminPasswordResetDto {
  @ValidateText(500, { optional: true, description: 'Why the password was reset (audited)' })
  reason?: string;
}

export class AdminPasswordResetResponseDto {
  @ApiProperty({
    description:
      'The temporary password, shown this once and stored nowhere in clear: hand it over by a separate channel. The account must change it at its next sign-in.',
  })
  temporaryPassword: string;
  @ApiProperty({ type: UserResponseDto }) user: UserResponseDto;
}

export class PasswordMessageDto {
  @ApiProperty() message: string;
}
