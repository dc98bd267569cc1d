import { ConfigError } from '@tagrelay/config';

export interface DemoArguments {
  visitors: number;
  /** Visitors sending at the same time (each visitor's hits stay in order). */
  concurrency: number;
  ingestUrl: string;
  sandboxUrl: string;
  siteId: string;
  containerId: string;
  writeKey: string;
  /** Sent as `Origin` with web hits: one of the container's allowed origins. */
  origin: string;
  /** How long to wait for the pipeline to settle before summing up. */
  settleTimeoutMs: number;
  /** Seed of the visitor mix, so a run can be repeated. */
  seed: number;
}

/** The demo site of docker/local/demo-site.yaml on the ports of docker/local/pipeline. */
export const DEMO_DEFAULTS: DemoArguments = {
  visitors: 200,
  concurrency: 20,
  ingestUrl: 'http://127.0.0.1:8080',
  sandboxUrl: 'http://127.0.0.1:8099',
  siteId: 'demo',
  containerId: 'web',
  writeKey: 'wk_demo_0123456789abcdef',
  origin: 'https://demo-shop.example',
  settleTimeoutMs: 60_000,
  seed: 0,
};

export const DEMO_USAGE =
  'usage: npm run demo:traffic -- [visitors] [--concurrency n] [--ingest url] [--sandbox url]' +
  ' [--site id] [--container id] [--key writeKey] [--origin url] [--timeout seconds] [--seed n]';

/** `[visitors] [--name value | --name=value]…`; Kafka and MongoDB come from the environment. */
export function demoArguments(argv: string[], defaults = DEMO_DEFAULTS): DemoArguments {
  const result = { ...defaults };
  const bad = (name: string, message: string) =>
    new ConfigError([{ variable: name, message: `${message}\n${DEMO_USAGE}` }]);
  const count = (name: string, text: string, min: number, max: number) => {
    const value = Number(text);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw bad(name, `expected an integer ${min}..${max}, got "${text}"`);
    }
    return value;
  };
  const url = (name: string, text: string) => {
    if (!/^https?:\/\/[^\s/]+/.test(text))
      throw bad(name, `expected an http(s) URL, got "${text}"`);
    return text.replace(/\/+$/, '');
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      result.visitors = count('visitors', arg, 1, 1_000_000);
      continue;
    }
    const [name, inline] = arg.includes('=') ? arg.split(/=(.*)/s, 2) : [arg, undefined];
    const value = inline ?? argv[++i];
    if (value === undefined) throw bad(name, 'needs a value');
    switch (name) {
      case '--concurrency':
        result.concurrency = count(name, value, 1, 1000);
        break;
      case '--ingest':
        result.ingestUrl = url(name, value);
        break;
      case '--sandbox':
        result.sandboxUrl = url(name, value);
        break;
      case '--site':
        result.siteId = value;
        break;
      case '--container':
        result.containerId = value;
        break;
      case '--key':
        result.writeKey = value;
        break;
      case '--origin':
        result.origin = url(name, value);
        break;
      case '--timeout':
        result.settleTimeoutMs = count(name, value, 1, 3600) * 1000;
        break;
      case '--seed':
        result.seed = count(name, value, 0, 2 ** 31);
        break;
      default:
        throw bad(name, 'unknown option');
    }
  }
  return result;
}
