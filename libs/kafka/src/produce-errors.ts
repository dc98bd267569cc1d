import { KafkaJSError } from 'kafkajs';
import { FatalError, RetriableError } from '@tagrelay/contracts';

/** The in-flight queue is full: the caller should shed load (HTTP 503). */
export class ProducerBackpressureError extends RetriableError {
  constructor(queued: number) {
    super(`producer queue full (${queued} messages waiting for the broker)`);
    this.name = 'ProducerBackpressureError';
  }
}

/**
 * Maps a kafkajs failure to the pipeline's error types. Only a protocol error
 * the broker itself calls permanent (a too-large message, an invalid or
 * forbidden topic) is fatal; connection loss, leader changes and exhausted
 * retries may succeed later.
 */
export function toProduceError(error: unknown): RetriableError | FatalError {
  if (error instanceof RetriableError || error instanceof FatalError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isPermanentProtocolError(error)) {
    return new FatalError(`kafka produce failed: ${message}`, { cause: error });
  }
  return new RetriableError(`kafka produce failed: ${message}`, { cause: error });
}

function isPermanentProtocolError(error: unknown): boolean {
  // TRICKY: kafkajs wraps the real failure: KafkaJSNumberOfRetriesExceeded says
  // retriable=false even when what it wraps (a broker gone away) is temporary.
  for (let current = error; current instanceof KafkaJSError; current = current.cause) {
    if (current.name === 'KafkaJSProtocolError') return !current.retriable;
  }
  return false;
}
