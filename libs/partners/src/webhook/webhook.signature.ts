import { createHmac } from 'node:crypto';
import { ValidationError } from '@tagrelay/contracts';

/**
 * Standard Webhooks signing (standardwebhooks.com): the secret is base64 after
 * a `whsec_` prefix; the signature is `v1,` + base64(HMAC-SHA256(secret,
 * `${id}.${timestamp}.${body}`)), the timestamp in Unix seconds.
 */
export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const digest = createHmac('sha256', webhookSecretKey(secret))
    .update(`${id}.${timestamp}.${body}`, 'utf8')
    .digest('base64');
  return `v1,${digest}`;
}

export function webhookSecretKey(secret: string): Buffer {
  const encoded = secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) {
    throw new ValidationError('credentials.secret', 'must be whsec_ followed by base64');
  }
  const key = Buffer.from(encoded, 'base64');
  // The specification recommends keys of 24 to 64 bytes.
  if (key.length < 24 || key.length > 64) {
    throw new ValidationError('credentials.secret', 'must decode to 24..64 bytes');
  }
  return key;
}
