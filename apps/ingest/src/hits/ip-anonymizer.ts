import { isIPv4, isIPv6 } from 'node:net';
import { ContainerConfig } from '@tagrelay/contracts';

/**
 * `truncate` keeps the network, not the host: IPv4 /24 (last octet zeroed),
 * IPv6 /48, as analytics tools commonly do. `drop` keeps nothing.
 */
export function anonymizeIp(
  ip: string | undefined,
  mode: ContainerConfig['ipAnonymization'],
): string | null {
  if (!ip || mode === 'drop') return null;
  const address = ip.startsWith('::ffff:') && isIPv4(ip.slice(7)) ? ip.slice(7) : ip;
  if (mode === 'none') return address;
  if (isIPv4(address)) return address.replace(/\.\d+$/, '.0');
  if (isIPv6(address)) return `${expandIpv6(address).slice(0, 3).join(':')}::`;
  return null;
}

function expandIpv6(address: string): string[] {
  const [head, tail = ''] = address.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const zeros = Array(Math.max(0, 8 - left.length - right.length)).fill('0');
  return [...left, ...zeros, ...right];
}
