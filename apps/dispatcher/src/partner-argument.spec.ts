import { ConfigError, loadConfig } from '@tagrelay/config';
import { partnerArgument, resolvePartner } from './partner-argument';

describe(partnerArgument.name, () => {
  it('reads --partner <name> and --partner=<name>, ignoring other arguments', () => {
    expect(partnerArgument(['--partner', 'meta'])).toBe('meta');
    expect(partnerArgument(['--verbose', '--partner=ga4'])).toBe('ga4');
    expect(partnerArgument(['--other', 'x'])).toBeNull();
  });

  it('refuses an unknown partner with the names it knows', () => {
    expect(() => partnerArgument(['--partner', 'tiktok'])).toThrow(ConfigError);
    expect(() => partnerArgument(['--partner'])).toThrow(
      /--partner: expected one of meta, ga4, criteo, webhook/,
    );
  });

  it('prefers the argument to DISPATCHER_PARTNER and needs one of them', () => {
    const fromEnv = loadConfig('dispatcher', { DISPATCHER_PARTNER: 'criteo' });

    expect(resolvePartner('webhook', fromEnv)).toBe('webhook');
    expect(resolvePartner(null, fromEnv)).toBe('criteo');
    expect(() => resolvePartner(null, loadConfig('dispatcher', {}))).toThrow(
      /DISPATCHER_PARTNER: missing/,
    );
  });
});
