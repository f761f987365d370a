import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray } from 'class-validator';
import {
  QueryBoolean,
  ValidateBoolean,
  ValidateEnum,
  ValidateInt,
  ValidateMatches,
  ValidateText,
  ValidateUuid,
} from 'src/common/validation/validators';
import { COUNTRIES, Country, SITE_ROLES, SiteRole } from 'src/modules/sites/site.entity';

export class CreateSiteDto {
  @ValidateMatches(/^[A-Z]{2,5}$/, 'must be 2 to 5 capital letters, e.g. AMS')
  code: string;

  @ValidateText(200)
  name: string;

  @ValidateEnum(COUNTRIES)
  countryCode: Country;

  @ValidateText(64, { description: 'IANA time zone, e.g. Europe/Amsterdam' })
  timeZone: string;

  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SITE_ROLES.length)
  @ValidateEnum(SITE_ROLES, { each: true })
  roles: SiteRole[];

  @ValidateUuid({
    optional: true,
    nullable: true,
    description: 'The transplant centre that serves this site',
  })
  transplantCentreId?: string | null;

  @ValidateInt(0, 100, {
    optional: true,
    description: 'aHSCT slots per calendar quarter (transplant centres)',
  })
  defaultQuarterlyCapacity?: number;
}

export class UpdateSiteDto {
  @ValidateText(200, { optional: true })
  name?: string;

  @ValidateText(64, { optional: true })
  timeZone?: string;

  @ValidateEnum(SITE_ROLES, { each: true, optional: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(SITE_ROLES.length)
  roles?: SiteRole[];

  @ValidateUuid({ optional: true, nullable: true })
  transplantCentreId?: string | null;

  @ValidateInt(0, 100, { optional: true })
  defaultQuarterlyCapacity?: number;

  @ValidateBoolean({ optional: true })
  active?: boolean;

  @ValidateText(500, { optional: true })
  reason?: string;
}

export class ListSitesQueryDto {
  @ValidateEnum(COUNTRIES, { optional: true })
  countryCode?: Country;

  @ValidateEnum(SITE_ROLES, { optional: true })
  role?: SiteRole;

  @QueryBoolean()
  active?: boolean;
}

export class SiteResponseDto {
  @ApiProperty() id: string;
  @ApiProperty() code: string;
  @ApiProperty({ description: 'Country and code, e.g. NL-AMS' }) label: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: COUNTRIES }) countryCode: Country;
  @ApiProperty() timeZone: string;
  @ApiProperty({ enum: SITE_ROLES, isArray: true }) roles: SiteRole[];
  @ApiProperty({ nullable: true, type: String }) transplantCentreId: string | null;
  @ApiProperty() defaultQuarterlyCapacity: number;
  @ApiProperty() active: boolean;
}
