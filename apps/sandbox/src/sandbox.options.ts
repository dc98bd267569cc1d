import { ConfigError } from '@tagrelay/config';

export const SANDBOX_OPTIONS = Symbol('SANDBOX_OPTIONS');

export interface SandboxOptions {
  /** Requests kept in full per partner (the counters count everything). */
  keepPerPartner: number;
  /** Verify webhook signatures with this secret; unset: not checked. */
  webhookSecret?: string;
}

const DEFAULT_KEEP = 10_000;

/**
 * `sandbox [--keep <requests per partner>] [--webhook-secret <whsec_…>]`:
 * the sandbox is a developer's tool, so it takes arguments rather than
 * adding variables to the services' environment.
 */
export function sandboxArguments(argv: string[]): SandboxOptions {
  const value = (name: string): string | undefined => {
    const index = argv.findIndex((arg) => arg === name || arg.startsWith(`${name}=`));
    if (index === -1) return undefined;
    const arg = argv[index];
    return arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  };
  const keepText = value('--keep');
  const keepPerPartner = keepText === undefined ? DEFAULT_KEEP : Number(keepText);
  if (!Number.isInteger(keepPerPartner) || keepPerPartner < 1 || keepPerPartner > 1_000_000) {
    throw new ConfigError([
      { variable: '--keep', message: `expected 1..1000000, got "${keepText ?? ''}"` },
    ]);
  }
  const webhookSecret = value('--webhook-secret');
  if (webhookSecret !== undefined && !webhookSecret.startsWith('whsec_')) {
    throw new ConfigError([{ variable: '--webhook-secret', message: 'expected whsec_<base64>' }]);
  }
  return { keepPerPartner, webhookSecret };
}
