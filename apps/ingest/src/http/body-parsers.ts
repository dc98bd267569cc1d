import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HIT_LIMITS } from '../hits/hit-limits';

declare module 'fastify' {
  interface FastifyRequest {
    /** Size of the raw body in bytes, for the per-hit limit; 0 without a body. */
    bodyBytes: number;
    /**
     * The text of a JSON body of at most one hit's size: when it is exactly
     * the hit's variables, the envelope carries it as they are instead of
     * serialising the parsed object again (envelope.factory.ts).
     */
    bodyJson: string | null;
  }
}

/** A body that cannot be read as what its content type says. */
export class BodyParseError extends Error {
  readonly statusCode = 400;
  constructor(message: string) {
    super(message);
    this.name = 'BodyParseError';
  }
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * JSON (and `text/plain`, which `navigator.sendBeacon` sends) is decoded
 * strictly: invalid UTF-8 is a 400, not a silent U+FFFD in someone's data.
 * Form bodies become a flat object of strings. Any other type: Fastify's 415.
 */
export function registerBodyParsers(fastify: FastifyInstance): void {
  // Declared up front so every request object has the same shape.
  fastify.decorateRequest('bodyBytes', 0);
  fastify.decorateRequest('bodyJson', null);
  fastify.removeContentTypeParser(['application/json', 'text/plain']);
  const json = (
    request: FastifyRequest,
    body: Buffer,
    done: (error: Error | null, value?: unknown) => void,
  ) => {
    request.bodyBytes = body.length;
    if (body.length === 0) return done(new BodyParseError('empty body'));
    let text: string;
    try {
      text = utf8.decode(body);
    } catch {
      return done(new BodyParseError('body is not valid UTF-8'));
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return done(
        new BodyParseError(`body is not valid JSON: ${(error as Error).message.slice(0, 200)}`),
      );
    }
    if (body.length <= HIT_LIMITS.hitBytes) request.bodyJson = text;
    done(null, parsed);
  };
  fastify.addContentTypeParser(
    ['application/json', 'text/plain'],
    { parseAs: 'buffer', bodyLimit: HIT_LIMITS.batchBytes },
    json,
  );
  fastify.addContentTypeParser(
    'application/x-www-form-urlencoded',
    { parseAs: 'buffer', bodyLimit: HIT_LIMITS.batchBytes },
    (request, body: Buffer, done) => {
      request.bodyBytes = body.length;
      let text: string;
      try {
        text = utf8.decode(body);
      } catch {
        return done(new BodyParseError('body is not valid UTF-8'));
      }
      done(null, Object.fromEntries(new URLSearchParams(text)));
    },
  );
}
