import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ENVIRONMENTS } from './randomization.dto';

const COUNTS_BY_ARM = {
  type: 'object',
  additionalProperties: { type: 'number' },
  example: { A: 12, B: 11 },
  description: 'Count per arm code',
} as const;

export class CommitmentDto {
  @ApiProperty({ enum: ENVIRONMENTS }) environment: string;
  @ApiProperty() live: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) liveAt: Date | null;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'sha256(seed + "\\n" + canonical configuration)',
  })
  commitment: string | null;
  @ApiProperty({ description: 'The configuration as canonical JSON (what the commitment hashes)' })
  canonicalConfig: string;
}

export class ConfigArmDto {
  @ApiProperty({ example: 'A' }) code: string;
  @ApiProperty() label: string;
  @ApiProperty({ description: 'Allocation ratio weight' }) ratio: number;
}

export class RandomizationConfigBodyDto {
  @ApiProperty({ type: [ConfigArmDto] }) arms: ConfigArmDto[];
  @ApiProperty({ example: 'permuted-block' }) algorithm: string;
  @ApiProperty({ type: [Number], example: [2, 4] }) blockSizes: number[];
  @ApiProperty({ type: [String], example: ['country'] }) strataFactors: string[];
}

export class RandomizationConfigViewDto {
  @ApiProperty({ enum: ENVIRONMENTS }) environment: string;
  @ApiProperty({ type: RandomizationConfigBodyDto }) config: RandomizationConfigBodyDto;
  @ApiProperty() canonicalConfig: string;
  @ApiProperty() live: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) liveAt: Date | null;
  @ApiProperty({ type: String, nullable: true }) commitment: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) updatedAt: Date;
}

export class SeedDto {
  @ApiProperty({ enum: ENVIRONMENTS }) environment: string;
  @ApiProperty({ description: 'The secret seed (hex); the read is audited' }) seed: string;
  @ApiProperty({ type: String, nullable: true }) commitment: string | null;
}

export class SequenceSlotDto {
  @ApiProperty() stratumKey: string;
  @ApiProperty({ description: "1-based position in the stratum's sequence" })
  sequenceNumber: number;
  @ApiProperty() arm: string;
  @ApiProperty({ description: '0-based index of the block holding this position' })
  blockIndex: number;
  @ApiProperty({ description: '1-based position inside that block' }) positionInBlock: number;
  @ApiProperty() blockSize: number;
}

export class CurrentBlockDto {
  @ApiProperty() blockIndex: number;
  @ApiProperty() used: number;
  @ApiProperty({ type: Number, nullable: true }) size: number | null;
}

export class StratumBalanceDto {
  @ApiProperty() stratumKey: string;
  @ApiProperty() total: number;
  @ApiProperty(COUNTS_BY_ARM) countsByArm: Record<string, number>;
  @ApiProperty({ description: 'max − min over arms of count / ratio weight' }) imbalance: number;
  @ApiProperty() completedBlocks: number;
  @ApiProperty({ type: CurrentBlockDto }) currentBlock: CurrentBlockDto;
  @ApiProperty({ type: [String], description: 'Inconsistencies in the stored data' })
  warnings: string[];
}

export class StratumVerificationDto {
  @ApiProperty() stratumKey: string;
  @ApiProperty() allocations: number;
  @ApiProperty() maxSequenceNumber: number;
}

export class VerificationIssueDto {
  @ApiProperty({
    description:
      'mismatch, gap, duplicate, duplicate-participant, invalid-sequence-number or commitment-mismatch; the other fields depend on it',
    example: 'gap',
  })
  kind: string;
  @ApiPropertyOptional() stratumKey?: string;
  @ApiPropertyOptional() sequenceNumber?: number;
  @ApiPropertyOptional() participantId?: string;
}

export class VerificationReportDto {
  @ApiProperty() ok: boolean;
  @ApiProperty() checked: number;
  @ApiProperty({ type: [StratumVerificationDto] }) strata: StratumVerificationDto[];
  @ApiProperty({ type: [VerificationIssueDto] }) issues: VerificationIssueDto[];
  @ApiPropertyOptional({ description: 'Present when a commitment was recorded' })
  commitmentOk?: boolean;
}

export class StratumSimulationDto {
  @ApiProperty() stratumKey: string;
  @ApiProperty() participants: number;
  @ApiProperty(COUNTS_BY_ARM) countsByArm: Record<string, number>;
  @ApiProperty() maxImbalance: number;
  @ApiProperty() finalImbalance: number;
}

export class PredictabilityDto {
  @ApiProperty() correct: number;
  @ApiProperty() guesses: number;
  @ApiProperty() share: number;
}

export class BlockSizeUseDto {
  @ApiProperty() blockSize: number;
  @ApiProperty() blocks: number;
  @ApiProperty() share: number;
}

export class ExactFractionDto {
  @ApiProperty({ description: 'Decimal integer string (bigint-safe)' }) numerator: string;
  @ApiProperty({ description: 'Decimal integer string (bigint-safe)' }) denominator: string;
  @ApiProperty({ example: '17/24' }) text: string;
  @ApiProperty() value: number;
}

export class BlockSizePredictabilityDto {
  @ApiProperty() blockSize: number;
  @ApiProperty({ type: ExactFractionDto, description: 'Expected correct guesses over one block' })
  expectedCorrectPerBlock: ExactFractionDto;
  @ApiProperty({ type: ExactFractionDto }) perAllocation: ExactFractionDto;
}

export class TheoreticalPredictabilityDto {
  @ApiProperty({ type: [BlockSizePredictabilityDto] })
  perBlockSize: BlockSizePredictabilityDto[];
  @ApiProperty({ type: ExactFractionDto, description: 'Block sizes equally likely' })
  perAllocation: ExactFractionDto;
}

export class SimulationResultDto {
  @ApiProperty() participants: number;
  @ApiProperty({ type: [StratumSimulationDto] }) strata: StratumSimulationDto[];
  @ApiProperty() maxImbalance: number;
  @ApiProperty() theoreticalMaxImbalance: number;
  @ApiProperty() theoreticalMaxImbalanceValue: number;
  @ApiProperty() maxPooledImbalance: number;
  @ApiProperty({ type: PredictabilityDto }) predictability: PredictabilityDto;
  @ApiProperty({
    type: TheoreticalPredictabilityDto,
    description: 'Exact expected share of correct guesses of an observer who knows the past',
  })
  theoreticalPredictability: TheoreticalPredictabilityDto;
  @ApiProperty() chanceLevel: number;
  @ApiProperty({ type: [BlockSizeUseDto] }) blockSizes: BlockSizeUseDto[];
}

export class CreatedIdDto {
  @ApiProperty({ format: 'uuid' }) id: string;
}

export class UnblindingEventDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty({ type: String, nullable: true }) disclosedTo: string | null;
  @ApiProperty() disclosedToRole: string;
  @ApiProperty() kind: string;
  @ApiProperty({ type: String, format: 'date-time' }) occurredAt: Date;
  @ApiProperty() reason: string;
  @ApiProperty() impact: string;
  @ApiProperty({ type: String, format: 'date-time' }) recordedAt: Date;
  @ApiProperty({ type: String, nullable: true, format: 'uuid' }) recordedBy: string | null;
}

export class ReasonDto {
  @ApiProperty() code: string;
  @ApiProperty() message: string;
}

export class RandomizationReadinessDto {
  @ApiProperty() ready: boolean;
  @ApiProperty() alreadyRandomised: boolean;
  @ApiProperty({ type: [ReasonDto], description: 'Why the participant cannot be randomised yet' })
  reasons: ReasonDto[];
  @ApiProperty({ type: [String], description: 'Things to check that do not block randomisation' })
  warnings: string[];
}
