import { Inject, Injectable } from '@nestjs/common';
import { PinoLogger } from 'nestjs-pino';
import type { Logger } from 'pino';
import { EnrichedEvent, enrichedEventSchema, Partner } from '@tagrelay/contracts';
import { ConsumedMessage, deadLetter, HandlerOutcome, ok, retryLater } from '@tagrelay/kafka';
import { DeliveryEngine } from '../delivery/delivery-engine';
import { DeliveryJob, jobResult, JobResult } from '../delivery/delivery-job';
import { Destination, destinationKey } from '../destinations/destination';
import { DestinationDirectory } from '../destinations/destination-directory';
import { batchSeconds } from '../dispatch.metrics';
import { DISPATCH_PARTNER } from '../dispatch.tokens';
import { ParkedFacts, readParkedFacts } from '../outcomes/dispatch-headers';
import { OutcomeWriter } from '../outcomes/outcome-writer';
import { FinishedJobs } from './finished-jobs';
import { PartitionPauses } from './partition-pauses';

/** One job of a batch, with the message and round it came from. */
interface Work {
  message: ConsumedMessage;
  job: DeliveryJob;
  round: number;
  /** Known without sending (the destination was disabled meanwhile). */
  preset?: JobResult;
}

/** A message due within this is waited for in place, rather than paused for. */
const HOLD_MS = 1000;

/**
 * Gives every message of a batch an outcome: each event is sent to the
 * destinations of its container (or, from the retry topic, to the one it was
 * parked for), and the batch resolves only when every result is recorded and
 * every parked message acknowledged, so the consumer commits after the work.
 */
@Injectable()
export class DispatchHandler {
  private readonly finished = new FinishedJobs();
  private readonly log: Logger;
  private stopping = false;
  private inHand = 0;
  private finishedBatches = 0;
  private readonly idle: (() => void)[] = [];

  constructor(
    private readonly directory: DestinationDirectory,
    private readonly engine: DeliveryEngine,
    private readonly writer: OutcomeWriter,
    @Inject(DISPATCH_PARTNER) private readonly partner: Partner,
    logger: PinoLogger,
  ) {
    this.log = logger.logger.child({ module: 'dispatch-handler', partner });
  }

  /**
   * Stops taking batches and resolves, once none is in hand, with the number
   * of batches finished (every message with its outcome) since the start.
   * TRICKY: kafkajs skips commits once its consumer is stopping, so the
   * consumer must commit these before it is told to stop, and batches handed
   * over from now on are given back untouched: otherwise the next owner of
   * the partition would send them again.
   */
  beginShutdown(): Promise<number> {
    this.stopping = true;
    if (this.inHand === 0) return Promise.resolve(this.finishedBatches);
    return new Promise((resolve) => this.idle.push(() => resolve(this.finishedBatches)));
  }

  /** A batch of `events.enriched`: unreadable events are dead-lettered by the consumer. */
  handleEnriched(messages: ConsumedMessage[]): Promise<HandlerOutcome[]> {
    return this.guarded(messages, () => this.dispatchEvents(messages));
  }

  /**
   * A batch of the retry topic. Messages are handled in offset order up to the
   * first that is not due; that one holds its partition until its retry-at.
   */
  handleParked(messages: ConsumedMessage[], pauses: PartitionPauses): Promise<HandlerOutcome[]> {
    return this.guarded(messages, () => this.dispatchParked(messages, pauses));
  }

  private async guarded(
    messages: ConsumedMessage[],
    handle: () => Promise<HandlerOutcome[]>,
  ): Promise<HandlerOutcome[]> {
    if (this.stopping) return messages.map(() => retryLater('stopping'));
    this.inHand++;
    try {
      const outcomes = await handle();
      if (outcomes.every((outcome) => outcome.kind !== 'retry')) this.finishedBatches++;
      return outcomes;
    } finally {
      this.inHand--;
      if (this.inHand === 0) for (const wake of this.idle.splice(0)) wake();
    }
  }

  private async dispatchEvents(messages: ConsumedMessage[]): Promise<HandlerOutcome[]> {
    const stop = batchSeconds.startTimer({ partner: this.partner, source: 'events' });
    const outcomes: HandlerOutcome[] = [];
    const work: Work[] = [];
    for (const message of messages) {
      const parsed = parseEvent(message);
      if (typeof parsed === 'string') {
        outcomes.push(deadLetter('parse', parsed));
        continue;
      }
      outcomes.push(ok());
      for (const destination of this.directory.forContainer(parsed.siteId, parsed.containerId)) {
        work.push({ message, job: { event: parsed, destination, previousAttempts: 0 }, round: 0 });
      }
    }
    await this.run(work);
    stop();
    return outcomes;
  }

  private async dispatchParked(
    messages: ConsumedMessage[],
    pauses: PartitionPauses,
  ): Promise<HandlerOutcome[]> {
    const stop = batchSeconds.startTimer({ partner: this.partner, source: 'retry' });
    const facts = messages.map(readParkedFacts);
    let cut = firstNotDue(facts, Date.now());
    const waitMs = cut < messages.length ? facts[cut]!.retryAt - Date.now() : 0;
    if (waitMs > 0 && waitMs <= HOLD_MS) {
      await new Promise((resolve) => setTimeout(resolve, waitMs));
      cut = firstNotDue(facts, Date.now());
    }
    if (this.stopping) return messages.map(() => retryLater('stopping'));

    const work: Work[] = [];
    const unreadable: { message: ConsumedMessage; step: string; reason: string }[] = [];
    for (const [index, message] of messages.slice(0, cut).entries()) {
      const parked = facts[index];
      const event = parseEvent(message);
      if (!parked)
        unreadable.push({
          message,
          step: 'retry-headers',
          reason: 'not a parked message (headers)',
        });
      else if (typeof event === 'string')
        unreadable.push({ message, step: 'parse', reason: event });
      else work.push(this.parkedWork(message, event, parked));
    }
    // NOTE: written here, not left to the consumer, because a hold commits
    // this prefix right away: a message committed must already be parked.
    if (unreadable.length > 0) await this.writer.deadLetter(unreadable);
    await this.run(work);

    const outcomes = messages.map((_, index) => (index < cut ? ok() : retryLater('not due yet')));
    if (cut < messages.length) await pauses.holdUntil(messages[cut], cut > 0, facts[cut]!.retryAt);
    stop();
    return outcomes;
  }

  private parkedWork(message: ConsumedMessage, event: EnrichedEvent, parked: ParkedFacts): Work {
    const found = this.directory.find(event.siteId, event.containerId, parked.destinationId);
    const destination = found ?? missingDestination(event, parked.destinationId);
    const job: DeliveryJob = { event, destination, previousAttempts: parked.attempts };
    if (found && !found.enabled) {
      const reason = `destination disabled: ${found.disabledReason ?? 'by configuration'}`;
      return {
        message,
        job,
        round: parked.round,
        preset: jobResult(job, { status: 'failed', reason }),
      };
    }
    return { message, job, round: parked.round };
  }

  private async run(work: Work[]): Promise<void> {
    if (work.length === 0) return;
    const keys = work.map(
      ({ message, job }) =>
        `${message.topic}:${message.partition}:${message.offset}:${job.destination.key}`,
    );
    const results: JobResult[] = new Array(work.length);
    const toSend: number[] = [];
    work.forEach((entry, index) => {
      const known = entry.preset ?? this.finished.get(keys[index]);
      if (known) results[index] = known;
      else toSend.push(index);
    });
    const fresh = await this.engine.deliver(toSend.map((index) => work[index].job));
    toSend.forEach((index, position) => {
      results[index] = fresh[position];
      this.finished.set(keys[index], fresh[position]);
    });
    await this.disableGone(work, results);
    await this.writer.write(work.map((entry, index) => ({ ...entry, result: results[index] })));
    this.finished.forget(keys);
  }

  /** Webhook 410: the endpoint is gone, stop sending to it. */
  private async disableGone(work: Work[], results: JobResult[]): Promise<void> {
    const gone = new Map<string, { destination: Destination; reason: string }>();
    results.forEach((result, index) => {
      const { destination } = work[index].job;
      if (result.gone && destination.enabled) {
        gone.set(destination.key, { destination, reason: result.reason ?? 'gone' });
      }
    });
    for (const { destination, reason } of gone.values()) {
      this.log.warn(
        { destination: destination.key, reason },
        'partner says the destination is gone',
      );
      await this.directory.disable(destination, reason);
    }
  }
}

/** The event, or why it cannot be read. */
function parseEvent(message: ConsumedMessage): EnrichedEvent | string {
  let json: unknown;
  try {
    json = JSON.parse(message.value?.toString('utf8') ?? '');
  } catch {
    return 'not JSON';
  }
  const parsed = enrichedEventSchema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  return `not an enriched event: ${issue.path.join('.') || '(root)'}: ${issue.message}`;
}

function firstNotDue(facts: (ParkedFacts | null)[], now: number): number {
  const index = facts.findIndex((parked) => parked !== null && parked.retryAt > now);
  return index === -1 ? facts.length : index;
}

/** A destination removed from the configuration since the event was parked. */
function missingDestination(event: EnrichedEvent, destinationId: string): Destination {
  return {
    key: destinationKey(event.siteId, event.containerId, destinationId),
    siteId: event.siteId,
    containerId: event.containerId,
    destinationId,
    version: 0,
    enabled: true,
    disabledReason: null,
    consentCategory: null,
    settings: { destinationId, credentials: {}, options: {} },
    rules: null,
    problems: ['it no longer exists in the configuration'],
    concurrency: 1,
    rateLimitPerSecond: 0,
  };
}
