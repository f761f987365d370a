import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsEmail, IsObject, MaxLength, ValidateIf, ValidateNested } from 'class-validator';
import {
  ValidateDate,
  ValidateEnum,
  ValidateMatches,
  ValidateText,
} from 'src/common/validation/validators';
import { NATIONAL_ID_TYPES, type NationalIdType } from 'src/modules/identity/identity.types';

const PHONE = /^\+?[0-9][0-9 ()-]{5,24}$/;

export class AddressDto {
  @ValidateText(200)
  line1: string;

  @ValidateText(200, { optional: true })
  line2?: string;

  @ValidateText(20)
  postalCode: string;

  @ValidateText(100)
  city: string;

  @ValidateMatches(/^[A-Z]{2}$/, 'must be an ISO 3166 country code like NL')
  country: string;
}

export class ContactDto {
  @ApiPropertyOptional({ format: 'email', maxLength: 254 })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsEmail({}, { message: 'email must be an email address' })
  @MaxLength(254)
  email?: string;

  @ValidateMatches(PHONE, 'must be a phone number like +31 20 444 4444', { optional: true })
  phone?: string;

  @ApiPropertyOptional({ type: () => AddressDto })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address?: AddressDto;
}

export class NationalIdDto {
  @ValidateEnum(NATIONAL_ID_TYPES, { description: 'nl_bsn (BSN), no_fnr, se_pnr, dk_cpr or other' })
  type: NationalIdType;

  @ValidateText(40)
  value: string;
}

/** Identity at registration: only coordinators and investigators of the site ever see it again. */
export class IdentityDto {
  @ValidateText(100)
  givenName: string;

  @ValidateText(100)
  familyName: string;

  @ValidateDate()
  birthDate: string;

  @ApiPropertyOptional({ type: () => ContactDto })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto;

  @ApiPropertyOptional({ type: () => NationalIdDto })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined)
  @IsObject()
  @ValidateNested()
  @Type(() => NationalIdDto)
  nationalId?: NationalIdDto;
}

/** A correction of identity: given fields replace the stored ones; `null` removes contact or national id. */
export class UpdateIdentityDto {
  @ValidateText(100, { optional: true })
  givenName?: string;

  @ValidateText(100, { optional: true })
  familyName?: string;

  @ValidateDate({ optional: true })
  birthDate?: string;

  @ApiPropertyOptional({ type: () => ContactDto, nullable: true })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => ContactDto)
  contact?: ContactDto | null;

  @ApiPropertyOptional({ type: () => NationalIdDto, nullable: true })
  @ValidateIf((_: unknown, v: unknown) => v !== undefined && v !== null)
  @IsObject()
  @ValidateNested()
  @Type(() => NationalIdDto)
  nationalId?: NationalIdDto | null;

  @ValidateText(500, {
    optional: true,
    description: 'Required when a recorded value changes (audited)',
  })
  reason?: string;
}

export class IdentityResponseDto {
  @ApiProperty() participantId: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
  @ApiProperty({ format: 'date' }) birthDate: string;
  @ApiPropertyOptional({ type: () => ContactDto }) contact?: ContactDto;
  @ApiPropertyOptional({ type: () => NationalIdDto }) nationalId?: NationalIdDto;
}
