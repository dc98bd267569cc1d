import { z } from 'zod';
import {
  ServerHitEnvelope,
  serverHitEnvelopeSchema,
  WebHitEnvelope,
  webHitEnvelopeSchema,
} from '@tagrelay/contracts';
import { ConsumedMessage } from '@tagrelay/kafka';

export type Decoded<T> = { ok: true; hit: T } | { ok: false; reason: string };

export const decodeServerHit = (message: ConsumedMessage): Decoded<ServerHitEnvelope> =>
  decode(message, serverHitEnvelopeSchema);

export const decodeWebHit = (message: ConsumedMessage): Decoded<WebHitEnvelope> =>
  decode(message, webHitEnvelopeSchema);

/** JSON, then the envelope schema; the reason names what is wrong, never the data. */
function decode<T>(message: ConsumedMessage, schema: z.ZodType<T>): Decoded<T> {
  if (message.value === null || message.value.length === 0) {
    return { ok: false, reason: 'empty message' };
  }
  let json: unknown;
  try {
    json = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    return { ok: false, reason: `not JSON: ${(error as Error).message}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, hit: parsed.data };
  const issues = parsed.error.issues
    .slice(0, 5)
    .map((issue) => `${issue.path.join('.') || '(envelope)'}: ${issue.message}`);
  return { ok: false, reason: `not a hit envelope: ${issues.join('; ')}` };
}
