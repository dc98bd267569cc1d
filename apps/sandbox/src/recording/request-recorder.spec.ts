import { RecordedRequest } from './recorded-request';
import { RequestRecorder } from './request-recorder';

function request(overrides: Partial<Omit<RecordedRequest, 'seq'>> = {}) {
  return {
    partner: 'meta' as const,
    method: 'POST',
    path: '/v23.0/1/events',
    query: {},
    headers: {},
    body: {},
    eventIds: ['e1'],
    events: 1,
    receivedAt: '2026-12-04T10:00:00.000Z',
    status: 200,
    ...overrides,
  };
}

describe(RequestRecorder.name, () => {
  it('counts events by id: distinct, duplicates, and events without an id', () => {
    const sut = new RequestRecorder(10);
    sut.record(request({ eventIds: ['e1', 'e2'], events: 2 }));
    sut.record(request({ eventIds: ['e2'], events: 1 }));
    sut.record(request({ partner: 'criteo', eventIds: [], events: 1 }));

    expect(sut.stats().meta).toEqual({
      requests: 2,
      events: 3,
      distinctEvents: 2,
      duplicates: 1,
      eventsWithoutId: 0,
      rejected: 0,
    });
    expect(sut.stats().criteo).toMatchObject({ requests: 1, events: 1, eventsWithoutId: 1 });
    expect(sut.eventCounts('meta')).toEqual({ e1: 1, e2: 2 });
  });

  it('does not count the events of a rejected request as received', () => {
    const sut = new RequestRecorder(10);
    sut.record(request({ status: 500 }));
    sut.record(request({ status: 200 }));

    expect(sut.stats().meta).toMatchObject({ requests: 2, rejected: 1, duplicates: 0 });
    expect(sut.eventCounts('meta')).toEqual({ e1: 1 });
  });

  it('lists newest first, or pages oldest first after a sequence number', () => {
    const sut = new RequestRecorder(10);
    for (let i = 0; i < 5; i++) {
      sut.record(request({ partner: i % 2 ? 'ga4' : 'meta', eventIds: [`e${i}`] }));
    }

    expect(sut.list({ limit: 3 }).map((r) => r.seq)).toEqual([5, 4, 3]);
    expect(sut.list({ partner: 'ga4', limit: 10 }).map((r) => r.seq)).toEqual([4, 2]);
    expect(sut.list({ after: 2, limit: 2 }).map((r) => r.seq)).toEqual([3, 4]);
  });

  it('keeps the newest requests of each partner in full and counts everything', () => {
    const sut = new RequestRecorder(100);
    for (let i = 0; i < 1000; i++) sut.record(request({ eventIds: [`e${i}`] }));

    const kept = sut.list({ partner: 'meta', after: 0, limit: 10_000 });
    expect(kept.length).toBeGreaterThanOrEqual(100);
    expect(kept.length).toBeLessThanOrEqual(110);
    expect(kept[kept.length - 1].seq).toBe(1000);
    expect(sut.stats().meta.distinctEvents).toBe(1000);
  });

  it('forgets everything on clear', () => {
    const sut = new RequestRecorder(10);
    sut.record(request());
    sut.clear();

    expect(sut.list({ limit: 10 })).toEqual([]);
    expect(sut.stats().meta.requests).toBe(0);
    expect(sut.eventCounts('meta')).toEqual({});
  });
});
