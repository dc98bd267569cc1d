import { KafkaJSError } from 'kafkajs';

/**
 * Runs an admin call again while the broker answers with a retriable protocol
 * error. TRICKY: kafkajs gives up at once on NOT_LEADER_OR_FOLLOWER in some
 * admin calls (fetchTopicOffsets), which a freshly created topic answers for a
 * moment while its leaders are elected.
 */
export async function retryWhileLeadersMove<T>(call: () => Promise<T>, attempts = 20): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (error) {
      const retriable = error instanceof KafkaJSError && error.retriable;
      if (!retriable || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 50 * attempt)));
    }
  }
}
