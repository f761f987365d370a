import { DomainError } from 'src/common/errors/domain-error';

export const SiteErrors = {
  notFound: () => new DomainError('SITE_NOT_FOUND', 'not_found', 'Site not found'),
  codeTaken: () =>
    new DomainError(
      'SITE_CODE_TAKEN',
      'conflict',
      'A site with this country and code already exists',
    ),
  badTimeZone: (tz: string) =>
    new DomainError('SITE_TIME_ZONE_INVALID', 'bad_request', `Unknown IANA time zone: ${tz}`),
  notTransplantCentre: () =>
    new DomainError(
      'SITE_NOT_TRANSPLANT_CENTRE',
      'bad_request',
      'The site is not a transplant centre',
    ),
  belowBookings: (detail: string) =>
    new DomainError(
      'CAPACITY_BELOW_BOOKINGS',
      'conflict',
      `The default capacity cannot go below a quarter's bookings (${detail})`,
    ),
  badQuarterRange: () =>
    new DomainError(
      'QUARTER_RANGE_INVALID',
      'bad_request',
      'from must not be after to, and the range at most 40 quarters',
    ),
};
