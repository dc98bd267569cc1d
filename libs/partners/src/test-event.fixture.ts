import type { EnrichedEvent } from '@tagrelay/contracts';
import type { DestinationSettings } from './partner.connector';

/** An enriched purchase with web data, for connector tests; override what matters. */
export function testEvent(overrides: Partial<EnrichedEvent> = {}): EnrichedEvent {
  return {
    v: 1,
    kind: 'server',
    eventId: '0190a5a0-0000-7000-8000-000000000001',
    siteId: 'shop',
    containerId: 'web',
    receivedAt: '2026-12-04T10:00:00.000Z',
    ip: '203.0.113.0',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0',
    variables: {
      event: 'purchase',
      email: '  Person@Example.com ',
      phone: '+44 844 412 4653',
      value: '49.90',
      currency: 'eur',
      order_id: 'o-1001',
      items: [{ item_id: 'sku-1', item_name: 'Mug', price: 24.95, quantity: 2 }],
    },
    keys: { user_id: 'U-42' },
    web: {
      matchedKey: { name: 'user_id', value: 'U-42' },
      cookies: {
        _fbp: 'fb.1.1733300000000.1098115397',
        _fbc: 'fb.1.1733300000000.AbCdEf',
        _ga: 'GA1.1.1234567890.1699999999',
        crto_mapped_user_id: 'crto-777',
      },
      variables: {},
      consent: { marketing: true, analytics: true },
      page: {
        url: 'https://shop.example/checkout/done?email=a@b.example',
        referrer: 'https://shop.example/cart',
      },
      collectedAt: '2026-12-04T09:59:58.000Z',
    },
    enrichment: 'matched',
    enrichedAt: '2026-12-04T10:00:00.050Z',
    ...overrides,
  };
}

/** "Now" for connector tests: one minute after the test event. */
export const TEST_NOW = new Date('2026-12-04T10:01:00.000Z');

export function testSettings(
  credentials: Record<string, string>,
  options: DestinationSettings['options'] = {},
): DestinationSettings {
  return { destinationId: 'dest-1', credentials, options };
}
