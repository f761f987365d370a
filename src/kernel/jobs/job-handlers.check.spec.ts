import { Processor } from '@nestjs/bull';
import { Test } from '@nestjs/testing';
import type { Job } from 'bull';
import { defineJob } from './job-contract';
import { JobHandler } from './job-handler';
import { JobHandlersCheck, JobHandlersCheckModule, jobHandlerProblems } from './job-handlers.check';

const Handled = defineJob<{ id: string }>({
  queue: 'follow-up',
  name: 'test.handled',
  key: ({ id }) => `test.handled:${id}`,
});
const Orphan = defineJob<{ id: string }>({
  queue: 'follow-up',
  name: 'test.orphan',
  key: ({ id }) => `test.orphan:${id}`,
});
const Elsewhere = defineJob<{ id: string }>({
  queue: 'scheduling',
  name: 'test.elsewhere',
  key: ({ id }) => `test.elsewhere:${id}`,
});

@Processor('follow-up')
class TestProcessor {
  @JobHandler(Handled)
  async handle(_job: Job<{ id: string }>): Promise<void> {}
}

@Processor('follow-up')
class WrongQueueProcessor {
  @JobHandler(Elsewhere)
  async handle(_job: Job<{ id: string }>): Promise<void> {}
}

const compile = (
  contracts: Parameters<typeof JobHandlersCheckModule.forWorker>[0],
  providers: unknown[],
) =>
  Test.createTestingModule({
    imports: [JobHandlersCheckModule.forWorker(contracts)],
    providers: providers as never[],
  }).compile();

describe('the worker start-up check of job contracts', () => {
  it('starts when every contract has exactly one handler', async () => {
    const app = await compile([Handled], [TestProcessor]);
    expect(app.get(JobHandlersCheck).handlers.map((h) => [h.contract.name, h.handler])).toEqual([
      ['test.handled', 'TestProcessor.handle'],
    ]);
    await app.close();
  });

  it('refuses to start when a contract has no handler, naming it', async () => {
    await expect(compile([Handled, Orphan], [TestProcessor])).rejects.toThrow(
      /The worker refuses to start[\s\S]*follow-up\/test\.orphan has no handler/,
    );
  });

  it('refuses a handler on a processor of another queue, and a handler of an unregistered contract', async () => {
    await expect(
      compile([Handled, Elsewhere], [TestProcessor, WrongQueueProcessor]),
    ).rejects.toThrow(
      'WrongQueueProcessor.handle handles scheduling/test.elsewhere but its @Processor is for follow-up',
    );
    await expect(compile([], [TestProcessor])).rejects.toThrow(
      'TestProcessor.handle handles follow-up/test.handled, which is not a registered contract',
    );
  });

  it('lists every problem: two handlers, a contract registered twice', () => {
    const h = (handler: string) => ({ contract: Handled, handler, processorQueue: 'follow-up' });
    expect(jobHandlerProblems([Handled, Handled], [h('A.run'), h('B.run')])).toEqual([
      'follow-up/test.handled is registered twice',
      'follow-up/test.handled has 2 handlers: A.run, B.run',
    ]);
  });

  it('wraps the handler in the job policy and registers it with Bull under the contract name', () => {
    const fn = TestProcessor.prototype.handle as unknown as object;
    expect(Reflect.getMetadata('bull:module_queue_process', fn)).toEqual({ name: 'test.handled' });
  });
});
