import { ValidateMatches } from 'src/common/validation/validators';

export class MonthQueryDto {
  @ValidateMatches(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM', {
    optional: true,
    description: 'Calendar month (site calendar); default the current month at each site',
  })
  month?: string;
}
