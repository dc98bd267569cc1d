import { JobResult } from '../delivery/delivery-job';
import { settle } from './outcome-policy';

describe(settle.name, () => {
  const result = (fields: Partial<JobResult> & Pick<JobResult, 'status'>): JobResult => ({
    httpStatus: 503,
    attempts: 3,
    latencyMs: 12,
    reason: 'HTTP 503',
    response: '{}',
    request: {},
    retryAfterMs: null,
    gone: false,
    ...fields,
  });
  const delays = [1000, 5000];

  it('parks a retry for the next round after its delay, or the partner Retry-After if longer', () => {
    expect(settle(result({ status: 'retry' }), 0, delays, 10_000)).toEqual({
      status: 'retrying',
      park: { round: 1, retryAt: 11_000 },
      reason: 'HTTP 503',
    });
    expect(settle(result({ status: 'retry', retryAfterMs: 60_000 }), 1, delays, 0).park).toEqual({
      round: 2,
      retryAt: 60_000,
    });
  });

  it('dead-letters after the last round and at once for a failure', () => {
    expect(settle(result({ status: 'retry', attempts: 9 }), 2, delays, 0)).toEqual({
      status: 'failed',
      park: 'dead-letter',
      reason: 'gave up after 9 attempts in 3 rounds: HTTP 503',
    });
    expect(settle(result({ status: 'failed', reason: 'HTTP 400' }), 0, delays, 0).park).toBe(
      'dead-letter',
    );
  });

  it('records deliveries and filtered events without parking them', () => {
    expect(settle(result({ status: 'delivered' }), 1, delays, 0)).toEqual({
      status: 'delivered',
      park: null,
      reason: null,
    });
    expect(settle(result({ status: 'filtered', reason: 'consent' }), 0, delays, 0).park).toBeNull();
  });
});
