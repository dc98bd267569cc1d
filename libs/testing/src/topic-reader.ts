import { randomBytes } from 'node:crypto';
import { IHeaders, Kafka, logLevel } from 'kafkajs';
import { waitFor } from './wait-for';

export interface ReadMessage<T = unknown> {
  partition: number;
  offset: string;
  key: string | null;
  value: T;
  headers: Record<string, string>;
}

/**
 * Reads a topic from the beginning with a throw-away consumer group until
 * `count` messages arrived (or fails after `timeoutMs` saying how many did).
 * Values are parsed as JSON when they parse.
 */
export async function readTopic<T = unknown>(
  brokers: string,
  topic: string,
  count: number,
  { timeoutMs = 60_000, settleMs = 0 }: { timeoutMs?: number; settleMs?: number } = {},
): Promise<ReadMessage<T>[]> {
  const kafka = new Kafka({ brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `test.reader.${randomBytes(4).toString('hex')}` });
  const seen: ReadMessage<T>[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachBatch: async ({ batch }) => {
        for (const message of batch.messages) {
          seen.push({
            partition: batch.partition,
            offset: message.offset,
            key: message.key?.toString() ?? null,
            value: parse(message.value?.toString() ?? '') as T,
            headers: stringHeaders(message.headers ?? {}),
          });
        }
      },
    });
    await waitFor(
      `${count} messages in ${topic} (have ${seen.length})`,
      () => seen.length >= count,
      {
        timeoutMs,
      },
    );
    // NOTE: a settle period lets a test see duplicates beyond the expected count.
    if (settleMs > 0) await new Promise((resolve) => setTimeout(resolve, settleMs));
    return [...seen];
  } finally {
    await consumer.disconnect();
  }
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function stringHeaders(headers: IHeaders): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value !== undefined)
      result[name] = Array.isArray(value) ? value.join(',') : value.toString();
  }
  return result;
}
