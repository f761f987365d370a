import { Foundation1764000000000 } from './1764000000000-Foundation';
import { Participants1764000100000 } from './1764000100000-Participants';
import { Enrolment1764000200000 } from './1764000200000-Enrolment';
import { Allocations1764000300000 } from './1764000300000-Allocations';
import { Randomization1764000300100 } from './1764000300100-Randomization';
import { TransplantBookings1764000400000 } from './1764000400000-TransplantBookings';
import { FollowUp1764000500000 } from './1764000500000-FollowUp';
import { Memberships1764000600000 } from './1764000600000-Memberships';
import { Corrections1764000700000 } from './1764000700000-Corrections';
import { PublicViews1764000800000 } from './1764000800000-PublicViews';
import { CentreLocks1764000900000 } from './1764000900000-CentreLocks';
import { IdempotencyKeys1764001000000 } from './1764001000000-IdempotencyKeys';
import { AdverseEventSafety1764001100000 } from './1764001100000-AdverseEventSafety';
import { InterventionDiscontinuation1764001200000 } from './1764001200000-InterventionDiscontinuation';
import { ScreenFailures1764001300000 } from './1764001300000-ScreenFailures';
import { OutboxSentIndex1764001500000 } from './1764001500000-OutboxSentIndex';
import { Sessions1764001600000 } from './1764001600000-Sessions';
import { FormDrafts1764001610000 } from './1764001610000-FormDrafts';
import { Passwords1764001700000 } from './1764001700000-Passwords';
import { SecondFactor1764001800000 } from './1764001800000-SecondFactor';
import { SingleSignOn1764001900000 } from './1764001900000-SingleSignOn';
import { SignatureAttempts1764002000000 } from './1764002000000-SignatureAttempts';
import { CalendarFeeds1764002100000 } from './1764002100000-CalendarFeeds';
import { Exports1764002200000 } from './1764002200000-Exports';
import { RecordVersionParticipant1764002300000 } from './1764002300000-RecordVersionParticipant';
import { DataLocks1764002400000 } from './1764002400000-DataLocks';
import { Verification1764002500000 } from './1764002500000-Verification';
import { DataQueries1764002600000 } from './1764002600000-DataQueries';
import { AuditEntityIdIndex1764002700000 } from './1764002700000-AuditEntityIdIndex';

/** Every migration, in order. New migrations are appended here (timestamped names sort in order). */
export const MIGRATIONS = [
  Foundation1764000000000,
  Participants1764000100000,
  Enrolment1764000200000,
  Allocations1764000300000,
  Randomization1764000300100,
  TransplantBookings1764000400000,
  FollowUp1764000500000,
  Memberships1764000600000,
  Corrections1764000700000,
  PublicViews1764000800000,
  CentreLocks1764000900000,
  IdempotencyKeys1764001000000,
  AdverseEventSafety1764001100000,
  InterventionDiscontinuation1764001200000,
  ScreenFailures1764001300000,
  OutboxSentIndex1764001500000,
  Sessions1764001600000,
  FormDrafts1764001610000,
  Passwords1764001700000,
  SecondFactor1764001800000,
  SingleSignOn1764001900000,
  SignatureAttempts1764002000000,
  CalendarFeeds1764002100000,
  Exports1764002200000,
  RecordVersionParticipant1764002300000,
  DataLocks1764002400000,
  Verification1764002500000,
  DataQueries1764002600000,
  AuditEntityIdIndex1764002700000,
];
