import { DomainError, fieldError } from 'src/common/errors/domain-error';
import type { PrescreeningReasonDto } from './dto/prescreening.dto';

export const PublicErrors = {
  siteNotOffered: () =>
    new DomainError(
      'PRESCREENING_SITE_UNKNOWN',
      'bad_request',
      'siteId must be one of the sites from GET /public/prescreening/sites',
    ),
  cannotQualify: (reasons: PrescreeningReasonDto[]) =>
    new DomainError(
      'PRESCREENING_CANNOT_QUALIFY',
      'bad_request',
      `The answers show that taking part is not possible (${reasons.map((r) => r.criterionId).join(', ')}); nothing was stored`,
      reasons.map((r) =>
        fieldError('answers', 'CRITERION_NOT_MET', r.explanation, {
          criterionId: r.criterionId,
          title: r.title,
        }),
      ),
    ),
};
