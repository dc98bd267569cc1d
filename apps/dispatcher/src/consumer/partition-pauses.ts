import type { Consumer } from 'kafkajs';
import type { ConsumedMessage } from '@tagrelay/kafka';

/**
 * Holds a partition of the retry topic until its next message is due, the
 * way Kafka consumers wait without busy-looping: commit what was handled
 * before it, seek back to it, pause the partition and resume it at its
 * retry-at. The seek makes the batch consumer drop the rest of the batch
 * uncommitted; nothing past the waiting message is ever committed.
 */
export class PartitionPauses {
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(private readonly consumer: () => Consumer) {}

  async holdUntil(message: ConsumedMessage, handledBefore: boolean, dueAt: number): Promise<void> {
    const { topic, partition, offset } = message;
    const consumer = this.consumer();
    if (handledBefore) await consumer.commitOffsets([{ topic, partition, offset }]);
    consumer.seek({ topic, partition, offset });
    consumer.pause([{ topic, partitions: [partition] }]);
    const id = `${topic}/${partition}`;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(
      () => {
        this.timers.delete(id);
        consumer.resume([{ topic, partitions: [partition] }]);
      },
      Math.max(0, dueAt - Date.now()),
    );
    timer.unref();
    this.timers.set(id, timer);
  }

  /** Partitions held now (for tests and metrics). */
  get held(): number {
    return this.timers.size;
  }

  clear(): void {
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
  }
}
