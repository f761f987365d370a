import type { SiteResponseDto } from './dto/site.dto';
import type { SiteEntity } from './site.entity';

export function toSiteResponse(s: SiteEntity): SiteResponseDto {
  return {
    id: s.id,
    code: s.code,
    label: `${s.countryCode}-${s.code}`,
    name: s.name,
    countryCode: s.countryCode,
    timeZone: s.timeZone,
    roles: s.roles,
    transplantCentreId: s.transplantCentreId,
    defaultQuarterlyCapacity: s.defaultQuarterlyCapacity,
    active: s.active,
  };
}
