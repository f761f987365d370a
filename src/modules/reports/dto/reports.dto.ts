import { ApiProperty } from '@nestjs/swagger';
import { ValidateMatches } from 'src/common/validation/validators';

export class MonthQueryDto {
  @ValidateMatches(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month YYYY-MM', {
    optional: true,
    description: 'Calendar month (site calendar); default the current month at each site',
  })
  month?: string;
}

export class ReasonCountDto {
  @ApiProperty({ example: 'not_meeting_criteria' }) reason: string;
  @ApiProperty() label: string;
  @ApiProperty() n: number;
}

export class CountWithReasonsDto {
  @ApiProperty() total: number;
  @ApiProperty({ type: [ReasonCountDto] }) reasons: ReasonCountDto[];
}

export class ConsortEnrolmentDto {
  @ApiProperty() assessedForEligibility: number;
  @ApiProperty({ type: CountWithReasonsDto }) excluded: CountWithReasonsDto;
  @ApiProperty() stillInScreening: number;
  @ApiProperty() randomised: number;
}

export class ConsortAnalysedDto {
  @ApiProperty() intentionToTreat: number;
  @ApiProperty() withPrimaryEndpoint: number;
  @ApiProperty() primaryEndpointMissing: number;
  @ApiProperty() primaryEndpointNotYetDue: number;
}

export class ArmFlowDto {
  @ApiProperty({ enum: ['A', 'B'] }) arm: 'A' | 'B';
  @ApiProperty() label: string;
  @ApiProperty() allocated: number;
  @ApiProperty() receivedAllocated: number;
  @ApiProperty({ type: CountWithReasonsDto }) notReceivedAllocated: CountWithReasonsDto;
  @ApiProperty() receivedNotYetKnown: number;
  @ApiProperty({ type: CountWithReasonsDto }) lostToFollowUp: CountWithReasonsDto;
  @ApiProperty({ type: CountWithReasonsDto }) discontinued: CountWithReasonsDto;
  @ApiProperty({
    type: CountWithReasonsDto,
    description:
      'Discontinued the allocated intervention but still followed (intention to treat), by coded reason',
  })
  discontinuedIntervention: CountWithReasonsDto;
  @ApiProperty() completed: number;
  @ApiProperty() inFollowUp: number;
  @ApiProperty({ type: ConsortAnalysedDto }) analysed: ConsortAnalysedDto;
}

export class ConsortReportDto {
  @ApiProperty({ type: ConsortEnrolmentDto }) enrolment: ConsortEnrolmentDto;
  @ApiProperty({ type: [ArmFlowDto] }) arms: ArmFlowDto[];
  @ApiProperty({ format: 'date-time' }) generatedAt: string;
  @ApiProperty({ enum: ['trial', 'sites'] }) scope: 'trial' | 'sites';
}

export class SiteFollowUpSummaryDto {
  @ApiProperty({ format: 'uuid' }) siteId: string;
  @ApiProperty() siteLabel: string;
  @ApiProperty() timeZone: string;
  @ApiProperty({ format: 'date' }) today: string;
  @ApiProperty({ format: 'date' }) monthStart: string;
  @ApiProperty({ format: 'date' }) monthEnd: string;
  @ApiProperty() dueThisMonth: number;
  @ApiProperty() loggedDueThisMonth: number;
  @ApiProperty() overdue: number;
  @ApiProperty() missed: number;
  @ApiProperty() missedThisMonth: number;
  @ApiProperty() logged: number;
  @ApiProperty() unscheduled: number;
  @ApiProperty() openDeviations: number;
  @ApiProperty() deviationsThisMonth: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Logged ÷ (logged + missed) over scheduled visits whose outcome is known',
  })
  completionRate: number | null;
}

export class SiteVisitItemDto {
  @ApiProperty({ format: 'uuid' }) visitId: string;
  @ApiProperty({ format: 'uuid' }) participantId: string;
  @ApiProperty({ type: String, nullable: true }) studyId: string | null;
  @ApiProperty() code: string;
  @ApiProperty({ format: 'date' }) targetDate: string;
  @ApiProperty({ format: 'date' }) windowStart: string;
  @ApiProperty({ format: 'date' }) windowEnd: string;
  @ApiProperty() status: string;
  @ApiProperty({ type: String, format: 'date', nullable: true }) missedOn: string | null;
}

export class SiteFollowUpReportDto extends SiteFollowUpSummaryDto {
  @ApiProperty({ type: [SiteVisitItemDto] }) overdueVisits: SiteVisitItemDto[];
  @ApiProperty({ type: [SiteVisitItemDto] }) missedVisits: SiteVisitItemDto[];
}
