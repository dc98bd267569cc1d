import { ConfigError } from '@tagrelay/config';
import { DEMO_DEFAULTS, demoArguments } from './demo-arguments';

describe('demoArguments', () => {
  it('defaults to the demo site of docker/local/pipeline', () => {
    expect(demoArguments([])).toEqual(DEMO_DEFAULTS);
  });

  it('reads the visitor count and options in both forms', () => {
    const sut = demoArguments(['500', '--ingest', 'http://127.0.0.1:18080/', '--timeout=5']);
    expect(sut).toMatchObject({
      visitors: 500,
      ingestUrl: 'http://127.0.0.1:18080',
      settleTimeoutMs: 5000,
    });
  });

  it('names the argument it cannot use', () => {
    expect(() => demoArguments(['many'])).toThrow(ConfigError);
    expect(() => demoArguments(['--sandbox', 'localhost'])).toThrow(/--sandbox/);
    expect(() => demoArguments(['--nope', '1'])).toThrow(/unknown option/);
  });
});
