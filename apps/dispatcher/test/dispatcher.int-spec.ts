import { createTestContext, probeService, TestContext } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

describe('dispatcher service', () => {
  let context: TestContext;

  beforeAll(() => {
    context = createTestContext();
  });

  afterAll(async () => {
    await context.cleanup();
  });

  it('boots through bootstrap() and answers health, readiness and metrics', async () => {
    const sut = await bootstrap(context.env());
    try {
      const probe = await probeService(sut.url);

      expect(probe.health).toBe(200);
      expect(probe.readiness).toEqual({ status: 200, ready: true, checks: expect.any(Object) });
      expect(Object.keys(probe.readiness.checks).sort()).toEqual(['kafka', 'mongodb']);
      expect(probe.metrics.status).toBe(200);
      expect(probe.metrics.body).toContain('process_cpu_user_seconds_total');
    } finally {
      await sut.close();
    }
  });
});
