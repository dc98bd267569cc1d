import { Admin, Kafka } from 'kafkajs';

const CACHE_MS = 1000;
const TIMEOUT_MS = 2000;

/**
 * Answers "can this process write to Kafka now?" for readiness: the broker
 * answers a metadata request and every partition of the topics we write has
 * a leader. One request per second at most, bounded by a 2 s timeout, so a
 * readiness check never hangs on a dead broker.
 */
export class BrokerProbe {
  private readonly admin: Admin;
  private connected = false;
  private last: { at: number; ok: boolean } | null = null;
  private inFlight: Promise<boolean> | null = null;

  constructor(
    kafka: Kafka,
    private readonly topics: string[],
  ) {
    this.admin = kafka.admin({ retry: { retries: 0 } });
  }

  check(): Promise<boolean> {
    if (this.last && Date.now() - this.last.at < CACHE_MS) return Promise.resolve(this.last.ok);
    this.inFlight ??= this.probe().then((ok) => {
      this.last = { at: Date.now(), ok };
      this.inFlight = null;
      return ok;
    });
    return this.inFlight;
  }

  async close(): Promise<void> {
    if (this.connected) await this.admin.disconnect();
    this.connected = false;
  }

  private async probe(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), TIMEOUT_MS);
    });
    const attempt = (async () => {
      if (!this.connected) {
        await this.admin.connect();
        this.connected = true;
      }
      if (this.topics.length === 0) {
        await this.admin.describeCluster();
        return true;
      }
      const { topics } = await this.admin.fetchTopicMetadata({ topics: this.topics });
      return topics.every(
        (topic) => topic.partitions.length > 0 && topic.partitions.every((p) => p.leader >= 0),
      );
    })().catch(() => false);
    try {
      return await Promise.race([attempt, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
