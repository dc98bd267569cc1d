import { Admin, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { consumerLag } from '../enrichment.metrics';

/**
 * Publishes the group's lag per topic (log-end offset minus committed
 * offset, summed over partitions) every `intervalMs`, from the admin API.
 */
export class ConsumerLagMonitor {
  private readonly admin: Admin;
  private connected = false;
  private timer: NodeJS.Timeout | null = null;
  private measuring: Promise<void> | null = null;

  constructor(
    kafka: Kafka,
    private readonly groupId: string,
    private readonly topics: string[],
    private readonly logger: Logger,
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      this.measuring ??= this.measure()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.debug({ err: error }, 'lag not measured'))
        .finally(() => {
          this.measuring = null;
        });
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.measuring;
    if (this.connected) await this.admin.disconnect();
    this.connected = false;
  }

  /** Lag per topic now. */
  async measure(): Promise<Record<string, number>> {
    if (!this.connected) {
      await this.admin.connect();
      this.connected = true;
    }
    const committed = await this.admin.fetchOffsets({ groupId: this.groupId, topics: this.topics });
    const lags: Record<string, number> = {};
    for (const { topic, partitions } of committed) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      let lag = 0;
      for (const end of ends) {
        const offset = partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
        const from = offset === '-1' ? Number(end.low) : Number(offset);
        lag += Math.max(0, Number(end.high) - from);
      }
      lags[topic] = lag;
      consumerLag.set({ topic }, lag);
    }
    return lags;
  }
}
