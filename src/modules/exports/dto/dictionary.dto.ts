import { ApiProperty } from '@nestjs/swagger';
import { QueryBoolean } from 'src/common/validation/validators';
import { ROW_UNITS, VARIABLE_TYPES } from 'src/modules/exports/dictionary/dictionary.types';

export class DictionaryQueryDto {
  @QueryBoolean({
    description:
      'The blinded dictionary (no arm-revealing variable or code); blinded roles always get it',
  })
  blinded?: boolean;
}

export class DictionaryCodeDto {
  @ApiProperty({ description: 'Numeric code (SPSS/Stata value label)', example: 1 }) code: number;
  @ApiProperty({ description: 'The value as the API and the CSV files write it', example: 'RRMS' })
  value: string;
  @ApiProperty({ example: 'Relapsing-remitting MS' }) label: string;
  @ApiProperty({ description: 'This value alone names an arm' }) revealsArm: boolean;
}

export class DictionaryVariableDto {
  @ApiProperty({ description: 'Stable name, ≤ 32 characters, safe in R, SAS, SPSS and Stata' })
  name: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: VARIABLE_TYPES }) type: string;
  @ApiProperty({ type: String, nullable: true, example: 'EDSS points' }) unit: string | null;
  @ApiProperty({ type: [String], description: 'The datasets holding the variable' })
  datasets: string[];
  @ApiProperty({ description: 'A row identifier shared by datasets (study_id, row_seq, …)' })
  key: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'The field-registry item' })
  item: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'The registry item it is computed from',
  })
  derivedFrom: string | null;
  @ApiProperty({ description: 'Computed by the system, never entered' }) derived: boolean;
  @ApiProperty({ description: 'Names or implies the arm (never in the blinded dictionary)' })
  revealsArm: boolean;
  @ApiProperty({ description: 'Several values per row: one 0/1 column per code, <name>_<code>' })
  multiple: boolean;
  @ApiProperty({ type: Number, nullable: true }) maxLength: number | null;
  @ApiProperty({ type: Number, nullable: true }) min: number | null;
  @ApiProperty({ type: Number, nullable: true }) max: number | null;
  @ApiProperty({ type: [DictionaryCodeDto], nullable: true }) codes: DictionaryCodeDto[] | null;
}

export class DictionaryDatasetDto {
  @ApiProperty({ example: 'visits' }) name: string;
  @ApiProperty() label: string;
  @ApiProperty({ enum: ROW_UNITS, description: 'What one row stands for' }) rowPer: string;
  @ApiProperty({ type: [String], description: 'Key variables identifying a row' }) keys: string[];
  @ApiProperty({ type: [String], description: 'Its variables in file order (keys first)' })
  variables: string[];
}

export class DictionaryDto {
  @ApiProperty({ description: 'Fingerprint of the content (16 hex digits)' }) version: string;
  @ApiProperty() blinded: boolean;
  @ApiProperty({ description: 'How numeric codes are assigned' }) codeRule: string;
  @ApiProperty({ type: [DictionaryDatasetDto] }) datasets: DictionaryDatasetDto[];
  @ApiProperty({ type: [DictionaryVariableDto] }) variables: DictionaryVariableDto[];
}
