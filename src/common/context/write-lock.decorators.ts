import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const NOT_CLINICAL_WRITE_KEY = 'data-lock:not-clinical-write';
export const SAFETY_REPORTING_KEY = 'data-lock:safety-reporting';

/**
 * A write that changes no clinical data (signing in, sessions, passwords, the second factor,
 * staff and site administration, notifications read-marks, drafts, exports, the lock itself):
 * it keeps working while the trial is locked. Every other write route is clinical by default and
 * answers 409 DATABASE_LOCKED while the final lock is in force (src/modules/data-locks). The
 * OpenAPI document carries it as `x-not-clinical-write: true`.
 */
export const NotClinicalWrite = () =>
  applyDecorators(
    SetMetadata(NOT_CLINICAL_WRITE_KEY, true),
    ApiExtension('x-not-clinical-write', true),
  );

/**
 * Safety reporting (adverse events, SAE and SUSAR reports): still allowed while the trial is
 * locked, each such write recorded as an audited exception (`data-lock.safety_exception`).
 * `x-safety-reporting: true` in the OpenAPI document.
 */
export const SafetyReporting = () =>
  applyDecorators(
    SetMetadata(SAFETY_REPORTING_KEY, true),
    ApiExtension('x-safety-reporting', true),
  );
