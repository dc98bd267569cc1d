import { Injectable } from '@nestjs/common';
import { ServerHitEnvelope, ValidationError } from '@tagrelay/contracts';
import type { ContainerRecord } from '@tagrelay/store';
import { acceptsWriteKey, ContainerDirectory } from '../containers/container-directory';
import {
  badWriteKey,
  forbiddenOrigin,
  IngestHttpError,
  rateLimited,
  tooLarge,
  unknownContainer,
} from '../http/ingest-errors';
import { RateLimiter } from '../http/rate-limiter';
import { KeyedEnvelope, RequestFacts, serverEnvelope, webEnvelope } from './envelope.factory';
import { HIT_LIMITS } from './hit-limits';
import { parseServerHit, parseWebHit } from './hit.parser';
import { HitWriter } from './hit.writer';

export interface AcceptedHits {
  accepted: number;
  eventIds: string[];
}

/**
 * Everything between an HTTP request and the broker's acknowledgement, in the
 * order that keeps bad input cheap: container, key, size, rate, validation,
 * then one produce call. Nothing is written unless every hit is valid.
 */
@Injectable()
export class HitIntake {
  private readonly limiter = new RateLimiter();

  constructor(
    private readonly directory: ContainerDirectory,
    private readonly writer: HitWriter,
  ) {}

  /**
   * `scope.bodyJson`: the JSON text of a single hit's body, when it was one
   * (its variables then travel as that text).
   */
  async acceptServerHits(
    scope: {
      siteId: string;
      containerId: string;
      writeKey: string | undefined;
      bodyBytes: number;
      bodyJson: string | null;
    },
    inputs: unknown[],
    facts: RequestFacts,
    batch: boolean,
  ): Promise<AcceptedHits> {
    const container = this.container(scope.siteId, scope.containerId);
    if (!acceptsWriteKey(container, scope.writeKey)) throw badWriteKey(Boolean(scope.writeKey));
    const limit = batch ? HIT_LIMITS.batchBytes : HIT_LIMITS.hitBytes;
    if (scope.bodyBytes > limit) throw tooLarge(batch ? 'a batch' : 'a hit', limit);
    this.takeRate(container, inputs.length);

    if (!batch) {
      const hit = serverEnvelope(
        container,
        parseServerHit(inputs[0], 'body', scope.bodyJson),
        facts,
      );
      await this.writer.writeServerHits([hit]);
      return { accepted: 1, eventIds: [hit.envelope.eventId] };
    }
    const hits: KeyedEnvelope<ServerHitEnvelope>[] = [];
    const problems: { index: number; field: string; message: string }[] = [];
    for (let index = 0; index < inputs.length; index++) {
      try {
        hits.push(serverEnvelope(container, parseServerHit(inputs[index], `hits.${index}`), facts));
      } catch (error) {
        if (!(error instanceof ValidationError)) throw error;
        problems.push({ index, field: error.field, message: error.message });
      }
    }
    if (problems.length > 0) {
      throw new IngestHttpError(
        400,
        'invalid_batch',
        `${problems.length} of ${inputs.length} hits are invalid; nothing was written`,
        { items: problems },
      );
    }
    await this.writer.writeServerHits(hits);
    return { accepted: hits.length, eventIds: hits.map((hit) => hit.envelope.eventId) };
  }

  async acceptWebHit(
    scope: { siteId: string; containerId: string; origin: string | undefined; bodyBytes: number },
    input: unknown,
    facts: RequestFacts,
  ): Promise<string> {
    const container = this.container(scope.siteId, scope.containerId);
    this.checkOrigin(container, scope.origin);
    if (scope.bodyBytes > HIT_LIMITS.hitBytes) throw tooLarge('a hit', HIT_LIMITS.hitBytes);
    this.takeRate(container, 1);
    const hit = webEnvelope(container, parseWebHit(input), facts);
    await this.writer.writeWebHit(hit);
    return hit.envelope.eventId;
  }

  /** The container, or 404. */
  container(siteId: string, containerId: string): ContainerRecord {
    const container = this.directory.find(siteId, containerId);
    if (!container) throw unknownContainer(siteId, containerId);
    return container;
  }

  /** The origin when the container allows it; web hits without one are refused. */
  checkOrigin(container: ContainerRecord, origin: string | undefined): string {
    if (!origin || !container.allowedOrigins.some((allowed) => originOf(allowed) === origin)) {
      throw forbiddenOrigin(origin);
    }
    return origin;
  }

  private takeRate(container: ContainerRecord, count: number): void {
    const wait = this.limiter.take(
      `${container.siteId}/${container.containerId}`,
      container.rateLimitPerSecond,
      count,
    );
    if (wait > 0) throw rateLimited(wait);
  }
}

/** `https://shop.example/cart?x` → `https://shop.example`; junk → undefined. */
export function originOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}
