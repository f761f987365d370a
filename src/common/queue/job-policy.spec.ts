import { Logger } from '@nestjs/common';
import type { Job } from 'bull';
import { DomainError } from 'src/common/errors/domain-error';
import { classifyJobError, runJob } from './job-policy';

const pgError = (code: string) =>
  Object.assign(new Error('query failed'), { driverError: { code }, code });

describe('the job failure policy', () => {
  it.each([
    ['serialization failure', pgError('40001'), '40001'],
    ['deadlock', pgError('40P01'), '40P01'],
    ['lock timeout', pgError('55P03'), '55P03'],
    ['statement timeout', pgError('57014'), '57014'],
    ['connection failure (class 08)', pgError('08006'), '08006'],
    ['database shutting down', pgError('57P01'), '57P01'],
    [
      'connection refused',
      Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }),
      'ECONNREFUSED',
    ],
    ['connection reset', Object.assign(new Error('read'), { code: 'ECONNRESET' }), 'ECONNRESET'],
    ['SMTP connection', Object.assign(new Error('smtp'), { code: 'ECONNECTION' }), 'ECONNECTION'],
    ['SMTP 421 try later', Object.assign(new Error('smtp'), { responseCode: 421 }), 'SMTP_421'],
    ['pg connection lost', new Error('Connection terminated unexpectedly'), 'CONNECTION_LOST'],
    ['Redis connection closed', new Error('Connection is closed.'), 'CONNECTION_LOST'],
    [
      'Redis retries exhausted',
      Object.assign(new Error('Reached the max retries per request limit'), {
        name: 'MaxRetriesPerRequestError',
      }),
      'REDIS_UNAVAILABLE',
    ],
    [
      'a race a retry may not meet',
      new DomainError('TRANSPLANT_CAPACITY_EXCEEDED', 'conflict', 'x'),
      'TRANSPLANT_CAPACITY_EXCEEDED',
    ],
    [
      'a dependency away',
      new DomainError('VISIT_TEMPLATE_INVALID', 'unavailable', 'x'),
      'VISIT_TEMPLATE_INVALID',
    ],
  ])('retries %s', (_what, error, code) => {
    expect(classifyJobError(error)).toEqual({ kind: 'transient', code });
  });

  it.each([
    [
      'a bad payload',
      new DomainError('JOB_PAYLOAD_INVALID', 'bad_request', 'x'),
      'JOB_PAYLOAD_INVALID',
    ],
    [
      'a record that is not there',
      new DomainError('ALLOCATION_NOT_FOUND', 'not_found', 'x'),
      'ALLOCATION_NOT_FOUND',
    ],
    [
      'an invalid state',
      new DomainError('TRANSPLANT_DAY0_NOT_ARM_A', 'invalid_state', 'x'),
      'TRANSPLANT_DAY0_NOT_ARM_A',
    ],
    [
      'a forbidden move',
      new DomainError('CENTRE_STAFF_ONLY', 'forbidden', 'x'),
      'CENTRE_STAFF_ONLY',
    ],
  ])('fails %s at once, with its code', (_what, error, code) => {
    expect(classifyJobError(error)).toEqual({ kind: 'permanent', code });
  });

  it('retries what it does not know (a bug), named by its code or class', () => {
    expect(classifyJobError(new TypeError('x is undefined'))).toEqual({
      kind: 'unknown',
      code: 'TypeError',
    });
    expect(classifyJobError(pgError('23505'))).toEqual({ kind: 'unknown', code: '23505' });
    expect(classifyJobError('a string')).toEqual({ kind: 'unknown', code: 'ERROR' });
  });

  describe('runJob', () => {
    const job = (attemptsMade = 0) => {
      const discard = jest.fn();
      return {
        job: {
          id: '42',
          name: 'follow-up.generate-schedule',
          queue: { name: 'follow-up' },
          data: { participantId: 'p' },
          attemptsMade,
          opts: { attempts: 8 },
          discard,
        } as unknown as Job,
        discard,
      };
    };
    const logger = () => {
      const l = new Logger('test');
      return {
        l,
        warn: jest.spyOn(l, 'warn').mockImplementation(),
        error: jest.spyOn(l, 'error').mockImplementation(),
      };
    };

    it('discards a permanent failure and rethrows it; logs ids and code, not the message', async () => {
      const { job: j, discard } = job();
      const { l, error } = logger();
      const failure = new DomainError(
        'ALLOCATION_NOT_FOUND',
        'not_found',
        'Jane Doe has no allocation',
      );
      await expect(runJob(j, () => Promise.reject(failure), l)).rejects.toBe(failure);
      expect(discard).toHaveBeenCalledTimes(1);
      expect(error).toHaveBeenCalledWith(
        'job follow-up/follow-up.generate-schedule#42 attempt 1/8 code ALLOCATION_NOT_FOUND: failed permanently, not retried',
      );
      expect(JSON.stringify(error.mock.calls)).not.toContain('Jane');
    });

    it('rethrows a transient failure without discarding, so Bull retries it with backoff', async () => {
      const { job: j, discard } = job(2);
      const { l, warn } = logger();
      await expect(runJob(j, () => Promise.reject(pgError('40001')), l)).rejects.toThrow(
        'query failed',
      );
      expect(discard).not.toHaveBeenCalled();
      expect(warn).toHaveBeenCalledWith(
        'job follow-up/follow-up.generate-schedule#42 attempt 3/8 code 40001: failed (transient), retried with backoff',
      );
    });

    it('runs the work in a request context named after the job, and returns its result', async () => {
      const { job: j } = job();
      const { RequestContext } = await import('src/common/context/request-context');
      await expect(runJob(j, async () => RequestContext.requestId(), logger().l)).resolves.toBe(
        'job:follow-up.generate-schedule:42',
      );
    });
  });
});
