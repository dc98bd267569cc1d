import type { PreparedEvent } from '../partner.connector';

export interface PackLimits {
  maxEvents: number;
  /** Largest body in bytes (exclusive), measured exactly as it will be sent. */
  maxBytes?: number;
}

export interface Pack {
  members: number[];
}

/**
 * Groups events by `groupKey` (first appearance order kept) and cuts each group
 * into packs of at most `maxEvents` whose body stays under `maxBytes`. Sizes are
 * exact: `envelopeBytes` is the body with an empty list, each member adds its
 * JSON and a comma.
 */
export function packEvents(
  events: PreparedEvent[],
  limits: PackLimits,
  envelopeBytes: (first: PreparedEvent) => number,
  itemBytes: (event: PreparedEvent) => number,
): Pack[] {
  const groups = new Map<string, number[]>();
  events.forEach((event, index) => {
    const group = groups.get(event.groupKey);
    if (group) group.push(index);
    else groups.set(event.groupKey, [index]);
  });
  const packs: Pack[] = [];
  for (const members of groups.values()) {
    const base = envelopeBytes(events[members[0]]);
    let current: number[] = [];
    let bytes = base;
    for (const index of members) {
      const size = itemBytes(events[index]) + (current.length > 0 ? 1 : 0);
      const full =
        current.length >= limits.maxEvents ||
        (limits.maxBytes !== undefined && current.length > 0 && bytes + size >= limits.maxBytes);
      if (full) {
        packs.push({ members: current });
        current = [];
        bytes = base;
      }
      bytes += itemBytes(events[index]) + (current.length > 0 ? 1 : 0);
      current.push(index);
    }
    if (current.length > 0) packs.push({ members: current });
  }
  return packs;
}

export const jsonBytes = (value: unknown) => Buffer.byteLength(JSON.stringify(value), 'utf8');
