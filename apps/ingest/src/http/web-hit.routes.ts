import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { ValidationError } from '@tagrelay/contracts';
import { HitIntake, originOf } from '../hits/hit-intake.service';
import { routeErrorHandler } from './error-response';
import { header, queryBytes, requestFacts } from './request-facts';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

type WebRoute = { Params: { siteId: string; containerId: string } };
type PixelRoute = WebRoute & { Querystring: { d?: unknown } };

/**
 * Web hits from the browser tag. Public (no write key), so: only from the
 * container's allowed origins, CORS for exactly those, and rate-limited.
 * Answered 204 only after Kafka acknowledged the hit.
 *
 * NOTE: on Fastify directly, as the server-hit routes (server-hit.routes.ts
 * says why): every page view of a site with the tag comes through here.
 */
export function registerWebHitRoutes(
  fastify: FastifyInstance,
  intake: HitIntake,
  log: Logger,
): void {
  const errorHandler = routeErrorHandler(log);

  fastify.post<WebRoute>(
    '/v1/web/:siteId/:containerId',
    { errorHandler },
    async (request, reply) => {
      const { siteId, containerId } = request.params;
      const origin = header(request, 'origin');
      await intake.acceptWebHit(
        { siteId, containerId, origin, bodyBytes: request.bodyBytes },
        request.body,
        requestFacts(request),
      );
      return allowOrigin(reply, origin!).code(204).send();
    },
  );

  /** CORS preflight: answered only for an allowed origin. */
  fastify.options<WebRoute>(
    '/v1/web/:siteId/:containerId',
    { errorHandler },
    async (request, reply) => {
      const { siteId, containerId } = request.params;
      const origin = intake.checkOrigin(
        intake.container(siteId, containerId),
        header(request, 'origin'),
      );
      return allowOrigin(reply, origin)
        .headers({
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'content-type',
          'access-control-max-age': '86400',
        })
        .code(204)
        .send();
    },
  );

  /** The same hit as a pixel: `p.gif?d=<URL-encoded JSON of the web hit>`. */
  fastify.get<PixelRoute>(
    '/v1/web/:siteId/:containerId/p.gif',
    { errorHandler },
    async (request, reply) => {
      const { siteId, containerId } = request.params;
      // NOTE: an <img> request carries no Origin; its Referer names the page.
      const origin = header(request, 'origin') ?? originOf(header(request, 'referer'));
      const data = request.query.d;
      let body: unknown = {};
      if (typeof data === 'string') {
        try {
          body = JSON.parse(data);
        } catch {
          throw new ValidationError('d', 'must be URL-encoded JSON');
        }
      } else if (data !== undefined) {
        throw new ValidationError('d', 'must appear once');
      }
      await intake.acceptWebHit(
        { siteId, containerId, origin, bodyBytes: queryBytes(request) },
        body,
        requestFacts(request),
      );
      return reply
        .code(200)
        .headers({ 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' })
        .send(PIXEL);
    },
  );
}

function allowOrigin(reply: FastifyReply, origin: string): FastifyReply {
  return reply.headers({ 'access-control-allow-origin': origin, vary: 'Origin' });
}
