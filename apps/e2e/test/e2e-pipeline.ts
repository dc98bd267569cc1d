import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeliveryRecord, Partner, PARTNERS } from '@tagrelay/contracts';
import { createTestContext, seedConfig, TestContext, waitFor } from '@tagrelay/testing';
import {
  DemoSite,
  loadDemoSite,
  PipelineTopics,
  SandboxClient,
  SandboxRequest,
  SiteClient,
} from './e2e-support';
import { ServiceProcesses } from './service-processes';

/**
 * The whole pipeline for one test file, as separate processes against the real
 * broker and store: the partner sandbox, ingest, enrichment and one dispatcher
 * per partner, configured with the demo site of docker/local/pipeline (its
 * destinations pointed at this sandbox), on a topic prefix and database of
 * its own. `stop()` ends whatever `start()` got to, also after a failure.
 */
export class E2ePipeline {
  readonly context: TestContext = createTestContext();
  readonly processes = new ServiceProcesses(
    join(tmpdir(), `tagrelay-e2e-${this.context.topicPrefix}`),
  );
  readonly topics = new PipelineTopics(this.context);
  private topicsStarted = false;
  sandbox!: SandboxClient;
  site!: DemoSite;
  shop!: SiteClient;

  async start(): Promise<void> {
    const { context, processes } = this;
    await context.createTopics();
    const env = (extra: Record<string, string> = {}) =>
      context.env({ CONFIG_REFRESH_MS: '500', ...extra });
    // NOTE: the sandbox verifies webhook signatures with the demo site's secret.
    const { webhookSecret } = loadDemoSite('http://sandbox.invalid');
    const sandbox = await processes.start({
      name: 'sandbox',
      app: 'sandbox',
      env: env(),
      args: ['--keep', '25000', '--webhook-secret', webhookSecret],
    });
    this.sandbox = new SandboxClient(sandbox.url);
    this.site = loadDemoSite(sandbox.url);
    await seedConfig({ uri: context.mongodbUri, database: context.database }, this.site.sites);
    this.topicsStarted = true;
    const [ingest] = await Promise.all([
      processes.start({ name: 'ingest', app: 'ingest', env: env() }),
      processes.start({ name: 'enrichment', app: 'enrichment', env: env() }),
      ...PARTNERS.map((partner) =>
        processes.start({
          name: `dispatcher-${partner}`,
          app: 'dispatcher',
          env: env({ DISPATCHER_PARTNER: partner }),
        }),
      ),
      this.topics.start(context),
    ]);
    this.shop = new SiteClient(ingest.url, this.site);
  }

  async stop(): Promise<void> {
    try {
      if (this.topicsStarted) await this.topics.stop();
    } finally {
      await this.processes.stopAll();
      this.processes.removeLogs();
      await this.context.cleanup();
    }
  }

  /** The request a partner received with this event id. */
  requestFor(partner: Partner, eventId: string): Promise<SandboxRequest> {
    return waitFor(
      `${partner} request with event ${eventId}`,
      async () =>
        (await this.sandbox.requests(partner)).find((request) =>
          request.eventIds.includes(eventId),
        ),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** Criteo requests carry no event id: found by the order (transaction) id. */
  criteoRequestFor(orderId: string): Promise<SandboxRequest> {
    return waitFor(
      `criteo request for order ${orderId}`,
      async () =>
        (await this.sandbox.requests('criteo')).find(
          (request) => criteoOrderId(request) === orderId,
        ),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /** Waits for a `delivered` record of the event at every partner's destination. */
  deliveredEverywhere(eventId: string): Promise<DeliveryRecord[]> {
    return waitFor(
      `event ${eventId} delivered at every destination`,
      () => {
        const delivered = this.topics
          .deliveriesOf(eventId)
          .filter((record) => record.status === 'delivered');
        const partners = new Set(delivered.map((record) => record.partner));
        return PARTNERS.every((partner) => partners.has(partner)) && delivered;
      },
      { timeoutMs: 30_000 },
    );
  }
}

/** The transaction id of a Criteo `trackTransaction` request. */
export function criteoOrderId(request: SandboxRequest): string | undefined {
  const events = request.body.events as { id?: string }[] | undefined;
  return events?.[0]?.id;
}
