import { EnrichedEvent } from '@tagrelay/contracts';
import type { Destination } from '../destinations/destination';

/** One event for one destination. */
export interface DeliveryJob {
  event: EnrichedEvent;
  destination: Destination;
  /** HTTP attempts made in earlier rounds (0 for an event from `events.enriched`). */
  previousAttempts: number;
}

/**
 * Where a job ended in this process: `retry` still has to be parked (or, after
 * the last round, dead-lettered) by the outcome writer.
 */
export type JobStatus = 'delivered' | 'filtered' | 'retry' | 'failed';

export interface JobResult {
  status: JobStatus;
  httpStatus: number | null;
  /** All HTTP attempts so far, earlier rounds included. */
  attempts: number;
  /** Duration of the last attempt. */
  latencyMs: number | null;
  reason: string | null;
  /** The partner's last answer, for the dead-letter topic. */
  response: string | null;
  /** The event's part of the request, personal data redacted. */
  request: unknown;
  /** The partner asked to come back no earlier than this. */
  retryAfterMs: number | null;
  /** The partner said the destination no longer exists (webhook 410). */
  gone: boolean;
}

export function jobResult(
  job: DeliveryJob,
  fields: Partial<JobResult> & Pick<JobResult, 'status'>,
): JobResult {
  return {
    httpStatus: null,
    attempts: job.previousAttempts,
    latencyMs: null,
    reason: null,
    response: null,
    request: undefined,
    retryAfterMs: null,
    gone: false,
    ...fields,
  };
}
