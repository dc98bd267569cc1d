import type { Partner } from '@tagrelay/contracts';

/** Which API a request was sent to; `unknown` for a path no partner has (a wrong base URL). */
export type SandboxPartner = Partner | 'unknown';

/** Outcome of checking a webhook's Standard Webhooks signature. */
export type SignatureCheck = 'valid' | 'invalid' | 'unchecked';

/** One request as the sandbox received it. */
export interface RecordedRequest {
  /** 1, 2, 3… in arrival order, across partners. */
  seq: number;
  partner: SandboxPartner;
  method: string;
  /** Path without the query, e.g. `/v23.0/1234567890/events`. */
  path: string;
  /** Query parameters; secrets (`access_token`, `api_secret`) are masked. */
  query: Record<string, string>;
  /** Lowercase names; credentials masked. */
  headers: Record<string, string>;
  /** The body parsed as JSON, or the text when it does not parse. */
  body: unknown;
  /** Event ids the request carries (Meta `event_id`, GA4 `params.event_id`, webhook `webhook-id`). */
  eventIds: string[];
  /** Events the request carries (Meta `data`, GA4 and Criteo `events`, one per webhook). */
  events: number;
  /** Webhooks only. */
  signature?: SignatureCheck;
  receivedAt: string;
  /** What the sandbox answered. */
  status: number;
}

/** Counters of one partner since the start (or the last clear). */
export interface PartnerStats {
  requests: number;
  events: number;
  /** Distinct event ids in accepted requests (rejected ones are not received). */
  distinctEvents: number;
  /** Events accepted again after a first time (at-least-once delivery shows here). */
  duplicates: number;
  /** Events that carried no id (Criteo has no event id field). */
  eventsWithoutId: number;
  /** Requests answered with a status of 400 or more. */
  rejected: number;
}
