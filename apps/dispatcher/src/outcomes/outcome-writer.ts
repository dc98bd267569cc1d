import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import {
  DELIVERY_RECORD_VERSION,
  DeliveryRecord,
  dispatchDeadLetterTopic,
  dispatchRetryTopic,
  Partner,
  PIPELINE_TOPICS,
  topicName,
} from '@tagrelay/contracts';
import { BatchingProducer, ConsumedMessage, OutgoingMessage } from '@tagrelay/kafka';
import type { DeliveryJob, JobResult } from '../delivery/delivery-job';
import { deliveriesTotal } from '../dispatch.metrics';
import { DISPATCH_PARTNER } from '../dispatch.tokens';
import { DISPATCH_HEADERS, parkingHeaders } from './dispatch-headers';
import { settle } from './outcome-policy';

/** A job's result with the message it came from and the round it was in (0: fresh). */
export interface JobOutcome {
  message: ConsumedMessage;
  job: DeliveryJob;
  result: JobResult;
  round: number;
}

const HEADER_TEXT = 1000;

/**
 * Turns results into Kafka writes: a record in `deliveries` for every
 * outcome, the message parked in the retry topic (with its retry-at) or the
 * dead-letter topic (with the reason and the partner's last answer).
 * Resolves only when the broker acknowledged all of them; the caller commits
 * offsets after that, never before.
 */
@Injectable()
export class OutcomeWriter {
  private readonly deliveriesTopic: string;
  private readonly retryTopic: string;
  private readonly deadLetterTopic: string;
  private readonly delaysMs: number[];

  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'kafka' | 'dispatcher'>,
    @Inject(DISPATCH_PARTNER) private readonly partner: Partner,
  ) {
    const prefix = config.kafka.topicPrefix;
    this.deliveriesTopic = topicName(prefix, PIPELINE_TOPICS.deliveries);
    this.retryTopic = topicName(prefix, dispatchRetryTopic(partner));
    this.deadLetterTopic = topicName(prefix, dispatchDeadLetterTopic(partner));
    this.delaysMs = config.dispatcher.retryDelaysMs;
  }

  async write(outcomes: JobOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    const now = Date.now();
    const at = new Date(now).toISOString();
    const records: OutgoingMessage[] = [];
    const retries: OutgoingMessage[] = [];
    const deadLetters: OutgoingMessage[] = [];
    const statuses = new Map<DeliveryRecord['status'], number>();
    for (const { message, job, result, round } of outcomes) {
      const settlement = settle(result, round, this.delaysMs, now);
      const record: DeliveryRecord = {
        v: DELIVERY_RECORD_VERSION,
        eventId: job.event.eventId,
        siteId: job.event.siteId,
        containerId: job.event.containerId,
        partner: this.partner,
        destinationId: job.destination.destinationId,
        status: settlement.status,
        httpStatus: result.httpStatus,
        attempts: result.attempts,
        latencyMs: result.latencyMs,
        reason: settlement.reason,
        request: result.request,
        at,
      };
      const key = message.key?.toString() ?? null;
      records.push({ key, value: JSON.stringify(record) });
      statuses.set(settlement.status, (statuses.get(settlement.status) ?? 0) + 1);
      if (settlement.park === null) continue;
      const facts: Record<string, string> = {
        [DISPATCH_HEADERS.error]: (settlement.reason ?? '').slice(0, HEADER_TEXT),
        [DISPATCH_HEADERS.step]: 'deliver',
        [DISPATCH_HEADERS.attempts]: String(result.attempts),
        [DISPATCH_HEADERS.destinationId]: job.destination.destinationId,
        ...(result.httpStatus === null
          ? {}
          : { [DISPATCH_HEADERS.httpStatus]: String(result.httpStatus) }),
        ...(result.response === null
          ? {}
          : { [DISPATCH_HEADERS.response]: result.response.slice(0, HEADER_TEXT) }),
      };
      const value = message.value ?? '';
      if (settlement.park === 'dead-letter') {
        deadLetters.push({
          key,
          value,
          headers: parkingHeaders(message, { ...facts, [DISPATCH_HEADERS.attempt]: String(round) }),
        });
      } else {
        retries.push({
          key,
          value,
          headers: parkingHeaders(message, {
            ...facts,
            [DISPATCH_HEADERS.attempt]: String(settlement.park.round),
            [DISPATCH_HEADERS.retryAt]: new Date(settlement.park.retryAt).toISOString(),
          }),
        });
      }
    }
    await Promise.all([
      this.producer.produce(this.retryTopic, retries),
      this.producer.produce(this.deadLetterTopic, deadLetters),
      this.producer.produce(this.deliveriesTopic, records),
    ]);
    for (const [status, count] of statuses)
      deliveriesTotal.inc({ partner: this.partner, status }, count);
  }

  /**
   * Parks messages that cannot be handled at all (unreadable) in the
   * dead-letter topic, as the batch consumer would, when the caller must know
   * they are written before it commits.
   */
  async deadLetter(
    entries: { message: ConsumedMessage; step: string; reason: string }[],
  ): Promise<void> {
    await this.producer.produce(
      this.deadLetterTopic,
      entries.map(({ message, step, reason }) => ({
        key: message.key?.toString() ?? null,
        value: message.value ?? '',
        headers: parkingHeaders(message, {
          [DISPATCH_HEADERS.error]: reason.slice(0, HEADER_TEXT),
          [DISPATCH_HEADERS.step]: step,
        }),
      })),
    );
  }
}
