import { createTestContext, TestContext } from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';

describe('admin commands', () => {
  let context: TestContext;

  beforeAll(() => {
    context = createTestContext();
  });

  afterAll(async () => {
    await context.cleanup();
  });

  it('creates the pipeline topics, idempotently', async () => {
    const lines: string[] = [];
    const out = (line: string) => lines.push(line);

    await bootstrap(['topics', 'create'], { env: context.env(), out });
    await bootstrap(['topics', 'create'], { env: context.env(), out });

    expect(lines[0]).toMatch(/^created 14 topics: /);
    expect(lines[1]).toBe('all topics exist');
  });

  it('prints the usage for an unknown command', async () => {
    await expect(bootstrap(['nope'], { env: context.env() })).rejects.toThrow(
      /usage: admin <command>\n {2}topics create/,
    );
  });
});
