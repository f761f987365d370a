import { Type } from 'class-transformer';
import { IsIn, IsInt } from 'class-validator';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { PageQueryDto } from 'src/common/validation/page';
import {
  QueryBoolean,
  ValidateDate,
  ValidateEnum,
  ValidateUuid,
} from 'src/common/validation/validators';

export class DeviationsQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true }) siteId?: string;
  @ValidateUuid({ optional: true }) participantId?: string;
  @ValidateEnum(['open', 'voided'] as const, { optional: true }) status?: 'open' | 'voided';
}

export class AdverseEventsQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true }) siteId?: string;
  @ValidateUuid({ optional: true }) participantId?: string;
  @QueryBoolean() serious?: boolean;
  @QueryBoolean({ description: 'Only serious events whose 24-hour report is still open' })
  openReports?: boolean;
  @QueryBoolean({ description: 'Only SUSARs (true) or only the others (false)' }) susar?: boolean;
  @ValidateEnum(['open', 'resolved'] as const, {
    optional: true,
    description: 'open: still followed up; resolved: recovered, recovered with sequelae or fatal',
  })
  status?: 'open' | 'resolved';
}

export class AssessorWorklistQueryDto extends PageQueryDto {
  @ValidateUuid({ optional: true }) siteId?: string;
  @ValidateEnum(['edss', 'mri'] as const, {
    optional: true,
    description: 'Only visits still missing this read',
  })
  missing?: 'edss' | 'mri';
  @ValidateEnum(['scheduled', 'logged'] as const, {
    optional: true,
    description: 'scheduled: the site has not logged the visit yet; logged: it has',
  })
  status?: 'scheduled' | 'logged';
}

export class CalendarQueryDto {
  @ValidateDate({ optional: true, description: 'First day (site calendar); default today' })
  from?: string;
  @ValidateDate({
    optional: true,
    description: 'Last day; default from + 8 weeks; at most a year after from',
  })
  to?: string;
}

export class NedaQueryDto {
  @ApiPropertyOptional({ type: Number, enum: [96, 240], default: 96 })
  @Type(() => Number)
  @IsInt()
  @IsIn([96, 240], { message: 'week must be one of: 96, 240' })
  week: number = 96;
}
