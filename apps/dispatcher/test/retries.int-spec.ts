import mongoose from 'mongoose';
import { RunningHttpService } from '@tagrelay/runtime';
import { signWebhook } from '@tagrelay/partners';
import {
  createTestContext,
  PartnerServer,
  seedConfig,
  TestContext,
  waitFor,
} from '@tagrelay/testing';
import { bootstrap } from '../src/bootstrap';
import { DispatchTopics, enrichedEvent, siteWith, WEBHOOK_SECRET } from './dispatch-test-support';

const CASES = ['retry', 'reject', 'throttle', 'park', 'exhaust', 'gone'] as const;
type Case = (typeof CASES)[number];

describe('dispatcher retries (webhook)', () => {
  let context: TestContext;
  let topics: DispatchTopics;
  let sut: RunningHttpService;
  const partners = {} as Record<Case, PartnerServer>;

  /** One event for the destination of a case (each case has its own partner server). */
  const sendCase = async (name: Case) => {
    const event = enrichedEvent({ variables: { event: 'order.paid', case: name } });
    await topics.send([event]);
    return event;
  };

  beforeAll(async () => {
    context = createTestContext();
    await context.createTopics();
    for (const name of CASES) partners[name] = await PartnerServer.start();
    await seedConfig({ uri: context.mongodbUri, database: context.database }, [
      siteWith(
        CASES.map((name) => ({
          destinationId: `hook-${name}`,
          partner: 'webhook',
          credentials: { secret: WEBHOOK_SECRET },
          options: { url: `${partners[name].url}/hooks` },
          filter: `variables.case = '${name}'`,
        })),
      ),
    ]);
    topics = new DispatchTopics(context, 'webhook');
    await topics.start();
    sut = await bootstrap(
      context.env({
        DISPATCHER_PARTNER: 'webhook',
        DISPATCHER_MAX_ATTEMPTS: '3',
        DISPATCHER_BACKOFF_BASE_MS: '50',
        DISPATCHER_BACKOFF_MAX_MS: '2000',
        DISPATCHER_RETRY_DELAYS_MS: '400,800',
        DISPATCHER_CIRCUIT_COOLDOWN_MS: '300',
        DISPATCHER_REQUEST_TIMEOUT_MS: '2000',
      }),
      [],
    );
  });

  afterAll(async () => {
    await sut?.close();
    await topics?.stop();
    await Promise.all(Object.values(partners).map((partner) => partner.close()));
    await context.cleanup();
  });

  it('retries a failing request in the process, then delivers, each attempt signed anew', async () => {
    partners.retry.next(2, { kind: 'answer', status: 503 });

    const event = await sendCase('retry');
    const [record] = await topics.settled(new Set([event.eventId]), {
      destinationId: 'hook-retry',
    });

    expect(record).toMatchObject({ status: 'delivered', httpStatus: 200, attempts: 3 });
    const requests = partners.retry.requests;
    expect(requests.map((request) => request.status)).toEqual([503, 503, 200]);
    for (const request of requests) {
      expect(request.headers['webhook-id']).toBe(event.eventId);
      expect(request.headers['webhook-signature']).toBe(
        signWebhook(
          WEBHOOK_SECRET,
          event.eventId,
          Number(request.headers['webhook-timestamp']),
          request.body,
        ),
      );
    }
    expect(requests[2].json).toEqual({
      type: 'order.paid',
      timestamp: event.receivedAt,
      data: event,
    });
  });

  it('dead-letters at once on a permanent 400, with the reason and the partner answer', async () => {
    partners.reject.fail(400, { error: 'unknown field' });

    const event = await sendCase('reject');
    const [record] = await topics.settled(new Set([event.eventId]), {
      destinationId: 'hook-reject',
    });

    expect(record).toMatchObject({
      status: 'failed',
      httpStatus: 400,
      attempts: 1,
      reason: 'HTTP 400: {"error":"unknown field"}',
    });
    expect(partners.reject.requests).toHaveLength(1);
    const dead = await waitFor('the dead letter', () =>
      topics
        .in('dlq')
        .find((message) => message.headers['tagrelay-destination-id'] === 'hook-reject'),
    );
    expect(dead.value).toEqual(event);
    expect(dead.headers).toMatchObject({
      'tagrelay-error': 'HTTP 400: {"error":"unknown field"}',
      'tagrelay-step': 'deliver',
      'tagrelay-http-status': '400',
      'tagrelay-response': '{"error":"unknown field"}',
      'tagrelay-attempts': '1',
      'tagrelay-source-topic': topics.topic('events'),
    });
  });

  it('honours Retry-After of a 429', async () => {
    partners.throttle.next(1, { kind: 'throttle', retryAfterSeconds: 1 });

    const event = await sendCase('throttle');
    const [record] = await topics.settled(new Set([event.eventId]), {
      destinationId: 'hook-throttle',
    });

    expect(record).toMatchObject({ status: 'delivered', attempts: 2 });
    const [first, second] = partners.throttle.requests;
    expect(first.status).toBe(429);
    expect(second.receivedAt - first.receivedAt).toBeGreaterThanOrEqual(990);
  });

  it('parks what keeps failing in the retry topic and delivers it from there after its delay', async () => {
    partners.park.next(3, { kind: 'answer', status: 502 });

    const event = await sendCase('park');
    const records = await topics.settled(new Set([event.eventId]), {
      statuses: ['delivered'],
      destinationId: 'hook-park',
    });

    expect(records.map((record) => [record.status, record.attempts])).toEqual([
      ['retrying', 3],
      ['delivered', 4],
    ]);
    const parked = topics
      .in('retry')
      .find((m) => m.headers['tagrelay-destination-id'] === 'hook-park')!;
    expect(parked.value).toEqual(event);
    expect(parked.headers).toMatchObject({
      'tagrelay-attempt': '1',
      'tagrelay-attempts': '3',
      'tagrelay-http-status': '502',
      'tagrelay-step': 'deliver',
    });
    const retryAt = Date.parse(parked.headers['tagrelay-retry-at']);
    const requests = partners.park.requests;
    expect(requests.map((request) => request.status)).toEqual([502, 502, 502, 200]);
    expect(requests[3].receivedAt).toBeGreaterThanOrEqual(retryAt - 5);
    expect(retryAt - requests[2].receivedAt).toBeGreaterThanOrEqual(380);
  });

  it('dead-letters after the last retry round', async () => {
    partners.exhaust.fail(503);

    const event = await sendCase('exhaust');
    const records = await topics.settled(new Set([event.eventId]), {
      statuses: ['failed'],
      destinationId: 'hook-exhaust',
    });

    expect(records.map((record) => record.status)).toEqual(['retrying', 'retrying', 'failed']);
    expect(records[2].reason).toMatch(/^gave up after 5 attempts in 3 rounds: HTTP 503/);
    const dead = topics
      .in('dlq')
      .find((m) => m.headers['tagrelay-destination-id'] === 'hook-exhaust')!;
    expect(dead.headers['tagrelay-attempt']).toBe('2');
    expect(dead.headers['tagrelay-source-topic']).toBe(topics.topic('events'));
  });

  it('disables a webhook that answers 410 and records why', async () => {
    partners.gone.fail(410, { error: 'endpoint deleted' });

    const event = await sendCase('gone');
    const [record] = await topics.settled(new Set([event.eventId]), { destinationId: 'hook-gone' });

    expect(record).toMatchObject({ status: 'failed', httpStatus: 410 });
    expect(record.reason).toMatch(/^destination gone: HTTP 410/);
    const connection = await mongoose
      .createConnection(context.mongodbUri, { dbName: context.database })
      .asPromise();
    try {
      const stored = await connection
        .collection('destinations')
        .findOne({ destinationId: 'hook-gone' });
      expect(stored).toMatchObject({ enabled: false, disabledReason: record.reason });
    } finally {
      await connection.close();
    }
    const later = await sendCase('gone');
    const marker = await sendCase('retry');
    await topics.settled(new Set([marker.eventId]), { destinationId: 'hook-retry' });
    await topics.settled(new Set([later.eventId]), { destinationId: 'hook-retry' });
    expect(
      topics.deliveries(new Set([later.eventId])).filter((r) => r.destinationId === 'hook-gone'),
    ).toEqual([]);
    expect(partners.gone.requests).toHaveLength(1);
  });
});
