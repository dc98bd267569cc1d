import { EnrichedEvent, ValidationError } from '@tagrelay/contracts';
import { eventName, isPlainObject, text } from '../common/event-fields';
import { redactPersonal } from '../common/redaction';
import { credential, isHttpUrl, optionNumber, optionString } from '../common/settings';
import { describeResponse, judgeHttp } from '../common/verdict';
import {
  DestinationSettings,
  PartnerConnector,
  PartnerRequest,
  PartnerResponse,
  PreparedEvent,
  Verdict,
} from '../partner.connector';
import { signWebhook, webhookSecretKey } from './webhook.signature';

const DEFAULT_MAX_BODY_BYTES = 1024 * 1024;
const HEADER_PREFIX = 'header.';
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/** Headers the connector owns; a destination cannot replace them. */
const OWN_HEADERS = new Set([
  'content-type',
  'content-length',
  'host',
  'webhook-id',
  'webhook-timestamp',
  'webhook-signature',
]);

/**
 * A generic JSON webhook, signed as the Standard Webhooks specification says.
 * The body is `{ type, timestamp, data }` (the specification's recommended
 * shape), `data` being the enriched event unless the mapping sets it; one
 * request per event. `webhook-id` is the event id, the same on every attempt,
 * so receivers can deduplicate; `webhook-timestamp` is the time of sending and
 * each attempt is signed again. A 410 means the endpoint is gone.
 *
 * Settings: `options.url` (or `credentials.url` when it holds a token),
 * `credentials.secret` (`whsec_…`), headers as `options.header.<Name>` or
 * `credentials.header.<Name>` (secret ones), `options.maxBodyBytes`.
 */
export class WebhookConnector implements PartnerConnector {
  readonly partner = 'webhook' as const;

  checkSettings(settings: DestinationSettings): string[] {
    const problems: string[] = [];
    const url = credential(settings, 'url');
    if (url === undefined) problems.push('options.url is missing');
    else if (!isHttpUrl(url)) problems.push('options.url is not an http(s) URL');
    const secret = credential(settings, 'secret');
    if (secret === undefined) problems.push('credentials.secret is missing');
    else {
      try {
        webhookSecretKey(secret);
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    for (const name of Object.keys(customHeaders(settings))) {
      if (!TOKEN.test(name)) problems.push(`header "${name}" is not a valid header name`);
      if (OWN_HEADERS.has(name.toLowerCase()))
        problems.push(`header "${name}" is set by the dispatcher`);
    }
    return problems;
  }

  defaults(event: EnrichedEvent): Record<string, unknown> {
    return { type: eventName(event) ?? 'event', timestamp: event.receivedAt, data: event };
  }

  prepare(
    fields: Record<string, unknown>,
    event: EnrichedEvent,
    settings: DestinationSettings,
    _now: Date,
  ): PreparedEvent {
    const type = text(fields.type);
    if (!type) throw new ValidationError('type', 'missing');
    const maxBytes = optionNumber(settings, 'maxBodyBytes') ?? DEFAULT_MAX_BODY_BYTES;
    const bytes = Buffer.byteLength(JSON.stringify(fields), 'utf8');
    if (bytes > maxBytes) throw new ValidationError('body', `${bytes} bytes, at most ${maxBytes}`);
    return { eventId: event.eventId, body: { ...fields, type }, groupKey: event.eventId };
  }

  buildRequests(events: PreparedEvent[], settings: DestinationSettings): PartnerRequest[] {
    const url = credential(settings, 'url') ?? '';
    const headers = customHeaders(settings);
    return events.map((event, index) => ({
      method: 'POST',
      url,
      headers: {
        ...headers,
        'content-type': 'application/json',
        'user-agent': optionString(settings, 'userAgent') ?? 'tagrelay-dispatcher',
        'webhook-id': event.eventId,
      },
      body: JSON.stringify(event.body),
      members: [index],
    }));
  }

  beforeSend(request: PartnerRequest, settings: DestinationSettings, now: Date): PartnerRequest {
    const timestamp = Math.floor(now.getTime() / 1000);
    const id = request.headers['webhook-id'];
    const signature = signWebhook(
      credential(settings, 'secret') ?? '',
      id,
      timestamp,
      request.body,
    );
    return {
      ...request,
      headers: {
        ...request.headers,
        'webhook-timestamp': String(timestamp),
        'webhook-signature': signature,
      },
    };
  }

  judge(response: PartnerResponse): Verdict {
    if (response.status === 410) return { kind: 'gone', reason: describeResponse(response) };
    return judgeHttp(response);
  }

  redact(event: PreparedEvent): unknown {
    return redactPersonal(event.body);
  }
}

/** `header.<Name>` entries of options and credentials (credentials win). */
function customHeaders(settings: DestinationSettings): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const source of [settings.options, settings.credentials]) {
    for (const [key, value] of Object.entries(source)) {
      if (key.startsWith(HEADER_PREFIX) && !isPlainObject(value)) {
        headers[key.slice(HEADER_PREFIX.length)] = String(value);
      }
    }
  }
  return headers;
}
