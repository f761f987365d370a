import { QueryFailedError } from 'typeorm';
import { replicaProblem } from './read-replicas';

const failed = (code: string) =>
  new QueryFailedError('SELECT 1', [], Object.assign(new Error('x'), { code }));

describe('which replica errors send a read to the primary', () => {
  it('connection problems: the replica is down', () => {
    expect(replicaProblem(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }))).toBe(
      'down',
    );
    expect(replicaProblem(new Error('Connection terminated unexpectedly'))).toBe('down');
    expect(replicaProblem(failed('57P01'))).toBe('down'); // admin shutdown
    expect(replicaProblem(failed('57P03'))).toBe('down'); // cannot connect now (starting up)
    expect(replicaProblem(failed('08006'))).toBe('down');
    expect(replicaProblem(failed('53300'))).toBe('down'); // too many connections
  });

  it('a query cancelled by a conflict with recovery: retried, the replica stays in use', () => {
    expect(replicaProblem(failed('40001'))).toBe('conflict');
  });

  it('the read’s own errors (bad SQL, a bad value, a statement timeout) are thrown', () => {
    expect(replicaProblem(failed('42703'))).toBeNull();
    expect(replicaProblem(failed('22P02'))).toBeNull();
    expect(replicaProblem(failed('57014'))).toBeNull();
  });
});
