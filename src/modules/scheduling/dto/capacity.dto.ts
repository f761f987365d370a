import { ApiProperty } from '@nestjs/swagger';
import { ValidateInt, ValidateMatches, ValidateText } from 'src/common/validation/validators';

export const QUARTER = /^\d{4}-Q[1-4]$/;

export class CapacityQueryDto {
  @ValidateMatches(QUARTER, 'must be a quarter like 2027-Q1', { optional: true })
  from?: string;

  @ValidateMatches(QUARTER, 'must be a quarter like 2027-Q4', { optional: true })
  to?: string;
}

export class SetCapacityDto {
  @ValidateInt(0, 100)
  capacity: number;

  @ValidateText(500, { optional: true })
  reason?: string;
}

export class CapacityResponseDto {
  @ApiProperty() quarter: string;
  @ApiProperty() capacity: number;
  @ApiProperty({ description: 'true when the quarter differs from the centre default' })
  overridden: boolean;
}

export class SetCapacityResultDto extends CapacityResponseDto {
  @ApiProperty({
    type: [String],
    description:
      'Bookings moved into the new places at once, longest-waiting (earliest randomised) first',
  })
  movedUp: string[];
}
