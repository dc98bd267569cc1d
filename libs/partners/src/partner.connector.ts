import type { EnrichedEvent, Partner } from '@tagrelay/contracts';

export type OptionValue = string | number | boolean;

/** What a connector needs of a destination: where and as whom to send. */
export interface DestinationSettings {
  destinationId: string;
  /** Secrets: pixel id and token, measurement id and API secret, signing secret… */
  credentials: Record<string, string>;
  /** Everything else: base URL, API version, batch size, test event code… */
  options: Record<string, OptionValue>;
}

/** One event made ready for the partner, validated and normalised. */
export interface PreparedEvent {
  eventId: string;
  /** What this event contributes to a request (Meta: one `data[]` entry). */
  body: Record<string, unknown>;
  /** Events share a request only when their keys are equal (GA4: the same client). */
  groupKey: string;
}

/** An HTTP request exactly as the partner documents it. */
export interface PartnerRequest {
  method: 'POST';
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Positions, in the list given to `buildRequests`, of the events it carries. */
  members: number[];
}

export interface PartnerResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * What an answer means for the events of a request: `retry` may succeed later
 * (429, 5xx, a partner's own "transient" errors), `rejected` never will (4xx),
 * `gone` says the destination no longer exists (webhook 410).
 */
export type Verdict =
  | { kind: 'delivered' }
  | { kind: 'retry'; reason: string; retryAfterMs: number | null }
  | { kind: 'rejected'; reason: string }
  | { kind: 'gone'; reason: string };

/**
 * One partner's API. Pure and synchronous, no I/O: the dispatcher evaluates
 * the mapping, sends the requests, retries and records; the connector knows
 * the partner's fields, limits and answers, and nothing of Kafka.
 */
export interface PartnerConnector {
  readonly partner: Partner;
  /** Problems with a destination's settings (missing credentials…); empty when usable. */
  checkSettings(settings: DestinationSettings): string[];
  /**
   * The partner's fields for an event before the destination's mapping is
   * applied, so a destination works with little configuration.
   */
  defaults(event: EnrichedEvent, settings: DestinationSettings): Record<string, unknown>;
  /**
   * Validates and normalises the fields (defaults + mapping) of one event.
   * Throws `ValidationError` (never sent, dead-lettered with the reason) or
   * `UnsupportedEvent` (not for this partner: recorded as filtered).
   */
  prepare(
    fields: Record<string, unknown>,
    event: EnrichedEvent,
    settings: DestinationSettings,
    now: Date,
  ): PreparedEvent;
  /** Packs events into as few requests as the partner allows, in order. */
  buildRequests(events: PreparedEvent[], settings: DestinationSettings): PartnerRequest[];
  /** Last touch before each attempt (webhook: signed with the time of sending). */
  beforeSend(request: PartnerRequest, settings: DestinationSettings, now: Date): PartnerRequest;
  judge(response: PartnerResponse): Verdict;
  /** The event's part of the request with personal data replaced, for the records. */
  redact(event: PreparedEvent): unknown;
}

/** The event is valid but the partner has nothing for it (e.g. no Criteo event name). */
export class UnsupportedEvent extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedEvent';
  }
}
