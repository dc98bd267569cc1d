import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { EnrichedEvent, Partner, ValidationError } from '@tagrelay/contracts';
import {
  PartnerConnector,
  PartnerRequest,
  PreparedEvent,
  UnsupportedEvent,
  Verdict,
} from '@tagrelay/partners';
import type { Destination } from '../destinations/destination';
import { circuitOpenedTotal, requestSeconds, requestsTotal } from '../dispatch.metrics';
import { DISPATCH_PARTNER, PARTNER_CONNECTOR } from '../dispatch.tokens';
import { backoffDelay, sleep } from './backoff';
import { DeliveryJob, jobResult, JobResult } from './delivery-job';
import { DestinationGate } from './destination-gate';
import { PartnerHttpClient } from './partner-http.client';

/** How one request ended, after its attempts. */
interface RequestOutcome {
  verdict: Verdict;
  httpStatus: number | null;
  attempts: number;
  latencyMs: number | null;
  response: string | null;
}

const RESPONSE_EXCERPT = 1000;

/**
 * Sends a batch of jobs to the partner. Destinations go concurrently and each
 * through its own gate (concurrency, rate limit, circuit breaker), so a slow
 * or failing destination holds back nobody else: no head-of-line blocking in
 * a batch, and once paused, none across batches. Each request is tried up to
 * DISPATCHER_MAX_ATTEMPTS times with exponential backoff and jitter (or the
 * partner's Retry-After); what still fails comes back as `retry`.
 */
@Injectable()
export class DeliveryEngine {
  private readonly gates = new Map<string, DestinationGate>();
  private readonly log: Logger;
  private readonly settings: AppConfig['dispatcher'];

  constructor(
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'dispatcher'>,
    @Inject(DISPATCH_PARTNER) private readonly partner: Partner,
    @Inject(PARTNER_CONNECTOR) private readonly connector: PartnerConnector,
    private readonly http: PartnerHttpClient,
    logger: PinoLogger,
  ) {
    this.settings = config.dispatcher;
    this.log = logger.logger.child({ module: 'delivery-engine', partner });
  }

  /** One result per job, in order. Never throws for a partner's failure. */
  async deliver(jobs: DeliveryJob[]): Promise<JobResult[]> {
    const results: JobResult[] = new Array(jobs.length);
    const byDestination = new Map<string, number[]>();
    jobs.forEach((job, index) => {
      const indexes = byDestination.get(job.destination.key);
      if (indexes) indexes.push(index);
      else byDestination.set(job.destination.key, [index]);
    });
    await Promise.all(
      [...byDestination.values()].map(async (indexes) => {
        const group = indexes.map((index) => jobs[index]);
        const groupResults = await this.deliverToDestination(group[0].destination, group);
        groupResults.forEach((result, position) => (results[indexes[position]] = result));
      }),
    );
    return results;
  }

  /** Whether the destination is paused after failures (for tests and metrics). */
  isPaused(destination: Destination): boolean {
    return this.gates.get(destination.key)?.isOpen ?? false;
  }

  private async deliverToDestination(
    destination: Destination,
    jobs: DeliveryJob[],
  ): Promise<JobResult[]> {
    const results: JobResult[] = new Array(jobs.length);
    if (destination.problems.length > 0 || !destination.rules) {
      const reason = `destination cannot be used: ${destination.problems.join('; ')}`;
      return jobs.map((job) => jobResult(job, { status: 'failed', reason }));
    }
    const now = new Date();
    const prepared: { position: number; event: PreparedEvent }[] = [];
    for (const [position, job] of jobs.entries()) {
      const outcome = await this.prepare(destination, job.event, now);
      if ('status' in outcome) results[position] = jobResult(job, outcome);
      else prepared.push({ position, event: outcome.prepared });
    }
    if (prepared.length === 0) return results;

    const requests = this.connector.buildRequests(
      prepared.map((entry) => entry.event),
      destination.settings,
    );
    await Promise.all(
      requests.map(async (request) => {
        const outcome = await this.send(destination, request);
        for (const member of request.members) {
          const { position, event } = prepared[member];
          results[position] = this.toResult(jobs[position], outcome, event);
        }
      }),
    );
    return results;
  }

  /** Consent, filter, mapping, validation: the event ready to send, or why not. */
  private async prepare(
    destination: Destination,
    event: EnrichedEvent,
    now: Date,
  ): Promise<{ prepared: PreparedEvent } | { status: 'filtered' | 'failed'; reason: string }> {
    const category = destination.consentCategory;
    // NOTE: no consent signal (no web data) is no consent.
    if (category && event.web?.consent[category] !== true) {
      return { status: 'filtered', reason: `consent "${category}" not granted` };
    }
    try {
      if (!(await destination.rules!.accepts(event))) {
        return { status: 'filtered', reason: 'filter rejected the event' };
      }
      const fields = await destination.rules!.apply(
        event,
        this.connector.defaults(event, destination.settings),
      );
      return { prepared: this.connector.prepare(fields, event, destination.settings, now) };
    } catch (error) {
      if (error instanceof UnsupportedEvent) return { status: 'filtered', reason: error.message };
      if (error instanceof ValidationError)
        return { status: 'failed', reason: `invalid: ${error.message}` };
      // NOTE: a connector bug fails the event (dead-lettered, replayable once
      // fixed) instead of stalling the partition forever.
      this.log.error({ err: error, destination: destination.key }, 'connector failed on an event');
      return { status: 'failed', reason: `connector error: ${(error as Error).message}` };
    }
  }

  private async send(destination: Destination, request: PartnerRequest): Promise<RequestOutcome> {
    const gate = this.gateOf(destination);
    let last: RequestOutcome | null = null;
    let attempts = 0;
    for (;;) {
      await gate.acquire();
      const admission = await gate.admit();
      if (admission.kind === 'paused') {
        gate.release();
        return {
          ...(last ?? { httpStatus: null, latencyMs: null, response: null }),
          attempts,
          verdict: {
            kind: 'retry',
            reason: `destination paused after failures: ${admission.reason}`,
            retryAfterMs: admission.remainingMs,
          },
        };
      }
      let outcome: RequestOutcome;
      try {
        outcome = await this.attempt(destination, request, ++attempts);
      } catch (error) {
        if (admission.kind === 'probe') gate.abandonProbe();
        gate.release();
        throw error;
      }
      last = outcome;
      // NOTE: the gate learns the verdict before the slot is given back, so
      // requests waiting for it see a failure before they go.
      const { verdict } = outcome;
      if (verdict.kind !== 'retry') {
        gate.succeeded();
        gate.release();
        return outcome;
      }
      const wait =
        verdict.retryAfterMs ??
        backoffDelay(attempts, this.settings.backoffBaseMs, this.settings.backoffMaxMs);
      // A probe gets one attempt: while the partner is down, batches must not wait on it.
      const lastTry =
        admission.kind === 'probe' ||
        attempts >= this.settings.maxAttempts ||
        wait > this.settings.backoffMaxMs;
      if (lastTry) gate.failed(verdict.reason, verdict.retryAfterMs);
      const paused = lastTry || gate.attemptFailed(verdict.reason, verdict.retryAfterMs);
      gate.release();
      if (paused) return outcome;
      await sleep(wait);
    }
  }

  private async attempt(
    destination: Destination,
    request: PartnerRequest,
    attempt: number,
  ): Promise<RequestOutcome> {
    const sent = await this.http.send(
      this.connector.beforeSend(request, destination.settings, new Date()),
    );
    requestSeconds.observe({ partner: this.partner }, sent.latencyMs / 1000);
    const verdict: Verdict = sent.response
      ? this.connector.judge(sent.response)
      : { kind: 'retry', reason: sent.error ?? 'no answer', retryAfterMs: null };
    requestsTotal.inc({ partner: this.partner, verdict: sent.response ? verdict.kind : 'error' });
    if (verdict.kind !== 'delivered') {
      this.log.debug(
        {
          destination: destination.key,
          attempt,
          reason: 'reason' in verdict ? verdict.reason : null,
        },
        'attempt failed',
      );
    }
    return {
      verdict,
      httpStatus: sent.response?.status ?? null,
      attempts: attempt,
      latencyMs: Math.round(sent.latencyMs * 10) / 10,
      response: sent.response ? sent.response.body.slice(0, RESPONSE_EXCERPT) : sent.error,
    };
  }

  private toResult(job: DeliveryJob, outcome: RequestOutcome, event: PreparedEvent): JobResult {
    const { verdict } = outcome;
    const common = {
      httpStatus: outcome.httpStatus,
      attempts: job.previousAttempts + outcome.attempts,
      latencyMs: outcome.latencyMs,
      request: this.connector.redact(event),
    };
    switch (verdict.kind) {
      case 'delivered':
        return jobResult(job, { ...common, status: 'delivered' });
      case 'retry':
        return jobResult(job, {
          ...common,
          status: 'retry',
          reason: verdict.reason,
          response: outcome.response,
          retryAfterMs: verdict.retryAfterMs,
        });
      case 'rejected':
        return jobResult(job, {
          ...common,
          status: 'failed',
          reason: verdict.reason,
          response: outcome.response,
        });
      case 'gone':
        return jobResult(job, {
          ...common,
          status: 'failed',
          reason: `destination gone: ${verdict.reason}`,
          response: outcome.response,
          gone: true,
        });
    }
  }

  private gateOf(destination: Destination): DestinationGate {
    const limits = {
      concurrency: destination.concurrency,
      ratePerSecond: destination.rateLimitPerSecond,
    };
    let gate = this.gates.get(destination.key);
    if (!gate) {
      gate = new DestinationGate(limits, this.settings.circuitCooldownMs, () => {
        circuitOpenedTotal.inc({ partner: this.partner });
        this.log.warn({ destination: destination.key }, 'destination paused after failures');
      });
      this.gates.set(destination.key, gate);
    } else {
      gate.configure(limits);
    }
    return gate;
  }
}
