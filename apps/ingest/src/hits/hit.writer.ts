import { Inject, Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { PIPELINE_TOPICS, ServerHitEnvelope, topicName, WebHitEnvelope } from '@tagrelay/contracts';
import { BatchingProducer } from '@tagrelay/kafka';
import { KeyedEnvelope } from './envelope.factory';

const hitsWritten = new Counter({
  name: 'tagrelay_ingest_hits_written_total',
  help: 'Hits acknowledged by Kafka, by kind',
  labelNames: ['kind'],
});
const hitsFailed = new Counter({
  name: 'tagrelay_ingest_hits_failed_total',
  help: 'Hits Kafka did not acknowledge (answered 503/500), by kind',
  labelNames: ['kind'],
});
const writeSeconds = new Histogram({
  name: 'tagrelay_ingest_write_seconds',
  help: 'Time from produce() to the broker acknowledgement',
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** Each kind's counters, bound once: labelling on every hit cost a hash per call. */
const kindCounters = (kind: string) => ({
  written: hitsWritten.labels({ kind }),
  failed: hitsFailed.labels({ kind }),
});
type KindCounters = ReturnType<typeof kindCounters>;
const SERVER_COUNTERS = kindCounters('server');
const WEB_COUNTERS = kindCounters('web');

/**
 * Writes envelopes to their topic and resolves only on the broker's
 * acknowledgement (acks=all). Concurrent requests share produce calls in
 * the BatchingProducer.
 */
@Injectable()
export class HitWriter {
  private readonly serverTopic: string;
  private readonly webTopic: string;

  constructor(
    private readonly producer: BatchingProducer,
    @Inject(APP_CONFIG) config: Pick<AppConfig, 'kafka'>,
  ) {
    this.serverTopic = topicName(config.kafka.topicPrefix, PIPELINE_TOPICS.serverHits);
    this.webTopic = topicName(config.kafka.topicPrefix, PIPELINE_TOPICS.webHits);
  }

  writeServerHits(hits: KeyedEnvelope<ServerHitEnvelope>[]): Promise<void> {
    return this.write(this.serverTopic, SERVER_COUNTERS, hits);
  }

  writeWebHit(hit: KeyedEnvelope<WebHitEnvelope>): Promise<void> {
    return this.write(this.webTopic, WEB_COUNTERS, [hit]);
  }

  private async write(
    topic: string,
    counters: KindCounters,
    hits: KeyedEnvelope<unknown>[],
  ): Promise<void> {
    const stop = writeSeconds.startTimer();
    try {
      await this.producer.produce(
        topic,
        hits.map(({ key, json }) => ({ key, value: json })),
      );
      counters.written.inc(hits.length);
    } catch (error) {
      counters.failed.inc(hits.length);
      throw error;
    } finally {
      stop();
    }
  }
}
