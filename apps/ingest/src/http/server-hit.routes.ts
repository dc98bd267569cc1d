import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { ValidationError } from '@tagrelay/contracts';
import { AcceptedHits, HitIntake } from '../hits/hit-intake.service';
import { HIT_LIMITS } from '../hits/hit-limits';
import { notFound, routeErrorHandler } from './error-response';
import { IngestHttpError } from './ingest-errors';
import { header, queryBytes, requestFacts } from './request-facts';

/** Host names of the common server-to-server form: `serverside<siteId>.<domain>`. */
const LEGACY_HOST = /^serverside([a-zA-Z0-9_-]{1,64})\./i;

type HitRoute = { Params: { siteId: string; containerId: string } };
type LegacyRoute = { Params: { containerId: string } };

/**
 * Incoming server hits: one per request (GET or POST) or a batch, answered
 * 202 only after Kafka acknowledged every hit.
 *
 * NOTE: registered on Fastify directly, not through a Nest controller: these
 * are the routes high-volume sites call, and Nest's per-request pipeline
 * (execution context, parameter pipes, response wrapper) cost about 8% of
 * the ingest's throughput (`npm run bench -- ingest`). Errors reach the same
 * JSON bodies as on the Nest routes (error-response.ts).
 */
export function registerServerHitRoutes(
  fastify: FastifyInstance,
  intake: HitIntake,
  log: Logger,
): void {
  const errorHandler = routeErrorHandler(log);

  fastify.post<HitRoute>(
    '/v1/hit/:siteId/:containerId',
    { errorHandler },
    async (request, reply) => {
      const { siteId, containerId } = request.params;
      const accepted = await accept(intake, request, siteId, containerId, [request.body], false);
      return reply.code(202).send(accepted);
    },
  );

  fastify.get<HitRoute>(
    '/v1/hit/:siteId/:containerId',
    { errorHandler },
    async (request, reply) => {
      const { siteId, containerId } = request.params;
      return reply.code(202).send(await fromQuery(intake, request, siteId, containerId));
    },
  );

  fastify.post<HitRoute>(
    '/v1/batch/:siteId/:containerId',
    { errorHandler },
    async (request, reply) => {
      const hits = (request.body as { hits?: unknown } | null)?.hits;
      if (!Array.isArray(hits)) throw new ValidationError('hits', 'must be an array of hits');
      if (hits.length === 0) throw new ValidationError('hits', 'must not be empty');
      if (hits.length > HIT_LIMITS.batchHits) {
        throw new IngestHttpError(
          413,
          'too_large',
          `a batch holds at most ${HIT_LIMITS.batchHits} hits (got ${hits.length})`,
        );
      }
      const { siteId, containerId } = request.params;
      return reply.code(202).send(await accept(intake, request, siteId, containerId, hits, true));
    },
  );

  /**
   * `GET /<containerId>/?name=value…` on `serverside<siteId>.<domain>`:
   * existing integrations of that style change only their host.
   */
  fastify.get<LegacyRoute>('/:containerId', { errorHandler }, async (request, reply) => {
    const siteId = LEGACY_HOST.exec(request.hostname)?.[1];
    if (!siteId) {
      const { status, body } = notFound(request);
      throw new IngestHttpError(status, body.error.code, body.error.message);
    }
    return reply
      .code(202)
      .send(await fromQuery(intake, request, siteId, request.params.containerId));
  });
}

/**
 * Hands a request's hits to the intake: key from `X-Api-Key`, size of the
 * body, and the body's JSON text when the body is the one hit.
 */
function accept(
  intake: HitIntake,
  request: FastifyRequest,
  siteId: string,
  containerId: string,
  inputs: unknown[],
  batch: boolean,
  writeKey = header(request, 'x-api-key'),
  bodyBytes = request.bodyBytes,
  bodyJson = batch ? null : request.bodyJson,
): Promise<AcceptedHits> {
  return intake.acceptServerHits(
    { siteId, containerId, writeKey, bodyBytes, bodyJson },
    inputs,
    requestFacts(request),
    batch,
  );
}

/** A GET hit: the query string is the hit; the key may travel in it too. */
function fromQuery(
  intake: HitIntake,
  request: FastifyRequest,
  siteId: string,
  containerId: string,
): Promise<AcceptedHits> {
  const query = request.query as Record<string, unknown>;
  const key =
    header(request, 'x-api-key') ?? (typeof query.key === 'string' ? query.key : undefined);
  // The hit is the query, not a body: no JSON text travels with it.
  return accept(
    intake,
    request,
    siteId,
    containerId,
    [query],
    false,
    key,
    queryBytes(request),
    null,
  );
}
