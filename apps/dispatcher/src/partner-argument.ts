import { AppConfig, ConfigError } from '@tagrelay/config';
import { Partner, PARTNERS } from '@tagrelay/contracts';

const USAGE = `one of ${PARTNERS.join(', ')}`;

/** `--partner meta` or `--partner=meta` on the command line; null when absent. */
export function partnerArgument(argv: string[]): Partner | null {
  const index = argv.findIndex((arg) => arg === '--partner' || arg.startsWith('--partner='));
  if (index === -1) return null;
  const arg = argv[index];
  const value = arg.includes('=') ? arg.slice(arg.indexOf('=') + 1) : argv[index + 1];
  if (!value || !(PARTNERS as readonly string[]).includes(value)) {
    throw new ConfigError([
      { variable: '--partner', message: `expected ${USAGE}, got "${value ?? ''}"` },
    ]);
  }
  return value as Partner;
}

/** The partner this process serves: the argument, else DISPATCHER_PARTNER. */
export function resolvePartner(
  argument: Partner | null,
  config: Pick<AppConfig, 'dispatcher'>,
): Partner {
  const partner = argument ?? config.dispatcher.partner;
  if (!partner) {
    throw new ConfigError([
      {
        variable: 'DISPATCHER_PARTNER',
        message: `missing: run with --partner <${PARTNERS.join('|')}> or set it`,
      },
    ]);
  }
  return partner;
}
