import { Body, Controller, Get, HttpCode, Param, Post, Query, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { ValidationError } from '@tagrelay/contracts';
import { AcceptedHits, HitIntake } from '../hits/hit-intake.service';
import { HIT_LIMITS } from '../hits/hit-limits';
import { header, queryBytes, requestFacts } from './request-facts';
import { notFound } from './error-response';
import { IngestHttpError } from './ingest-errors';

/** Host names of the common server-to-server form: `serverside<siteId>.<domain>`. */
const LEGACY_HOST = /^serverside([a-zA-Z0-9_-]{1,64})\./i;

/**
 * Incoming server hits: one per request (GET or POST) or a batch. Answers 202
 * only after Kafka acknowledged every hit.
 */
@Controller()
export class ServerHitsController {
  constructor(private readonly intake: HitIntake) {}

  @Get('v1/hit/:siteId/:containerId')
  @HttpCode(202)
  getHit(
    @Param('siteId') siteId: string,
    @Param('containerId') containerId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ): Promise<AcceptedHits> {
    return this.fromQuery(siteId, containerId, query, request);
  }

  @Post('v1/hit/:siteId/:containerId')
  @HttpCode(202)
  postHit(
    @Param('siteId') siteId: string,
    @Param('containerId') containerId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<AcceptedHits> {
    return this.intake.acceptServerHits(
      {
        siteId,
        containerId,
        writeKey: header(request, 'x-api-key'),
        bodyBytes: request.bodyBytes ?? 0,
      },
      [body],
      requestFacts(request),
      false,
    );
  }

  @Post('v1/batch/:siteId/:containerId')
  @HttpCode(202)
  postBatch(
    @Param('siteId') siteId: string,
    @Param('containerId') containerId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<AcceptedHits> {
    const hits = (body as { hits?: unknown } | null)?.hits;
    if (!Array.isArray(hits)) throw new ValidationError('hits', 'must be an array of hits');
    if (hits.length === 0) throw new ValidationError('hits', 'must not be empty');
    if (hits.length > HIT_LIMITS.batchHits) {
      throw new IngestHttpError(
        413,
        'too_large',
        `a batch holds at most ${HIT_LIMITS.batchHits} hits (got ${hits.length})`,
      );
    }
    return this.intake.acceptServerHits(
      {
        siteId,
        containerId,
        writeKey: header(request, 'x-api-key'),
        bodyBytes: request.bodyBytes ?? 0,
      },
      hits,
      requestFacts(request),
      true,
    );
  }

  /**
   * `GET /<containerId>/?name=value…` on `serverside<siteId>.<domain>`:
   * existing integrations of that style change only their host.
   */
  @Get(':containerId')
  @HttpCode(202)
  legacyHit(
    @Param('containerId') containerId: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ): Promise<AcceptedHits> {
    const siteId = LEGACY_HOST.exec(request.hostname)?.[1];
    if (!siteId) {
      const { status, body } = notFound(request);
      throw new IngestHttpError(status, body.error.code, body.error.message);
    }
    return this.fromQuery(siteId, containerId, query, request);
  }

  private fromQuery(
    siteId: string,
    containerId: string,
    query: Record<string, unknown>,
    request: FastifyRequest,
  ): Promise<AcceptedHits> {
    const key =
      header(request, 'x-api-key') ?? (typeof query.key === 'string' ? query.key : undefined);
    return this.intake.acceptServerHits(
      { siteId, containerId, writeKey: key, bodyBytes: queryBytes(request) },
      [query],
      requestFacts(request),
      false,
    );
  }
}
