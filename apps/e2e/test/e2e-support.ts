import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Consumer, Kafka, logLevel } from 'kafkajs';
import { parse } from 'yaml';
import {
  ConfigFile,
  configFileSchema,
  DeliveryRecord,
  EnrichedEvent,
  PIPELINE_TOPICS,
  topicName,
} from '@tagrelay/contracts';
import { REPO_ROOT, TestContext } from '@tagrelay/testing';

/** Where docker/local/demo-site.yaml points its destinations. */
const DEMO_SANDBOX_URL = 'http://127.0.0.1:8099';

export interface DemoSite {
  /** The sites, validated, with every destination pointing at `sandboxUrl`. */
  sites: ConfigFile['sites'];
  siteId: string;
  containerId: string;
  writeKey: string;
  origin: string;
  webhookSecret: string;
}

/** The demo site that docker/local/pipeline loads, pointed at this test's sandbox. */
export function loadDemoSite(sandboxUrl: string): DemoSite {
  const text = readFileSync(join(REPO_ROOT, 'docker/local/demo-site.yaml'), 'utf8');
  const file = configFileSchema.parse(parse(text.replaceAll(DEMO_SANDBOX_URL, sandboxUrl)));
  const [site] = file.sites;
  const [container] = site.containers;
  const webhook = container.destinations.find((destination) => destination.partner === 'webhook');
  return {
    sites: file.sites,
    siteId: site.siteId,
    containerId: container.containerId,
    writeKey: container.writeKeys[0],
    origin: container.allowedOrigins[0],
    webhookSecret: webhook?.credentials.secret ?? '',
  };
}

/** What the sandbox recorded (its JSON API). */
export interface SandboxRequest {
  seq: number;
  partner: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: Record<string, unknown>;
  eventIds: string[];
  signature?: string;
  status: number;
}

export class SandboxClient {
  constructor(readonly url: string) {}

  async clear(): Promise<void> {
    await fetch(`${this.url}/requests`, { method: 'DELETE' });
  }

  /** Every request kept for a partner, oldest first. */
  async requests(partner: string): Promise<SandboxRequest[]> {
    const all: SandboxRequest[] = [];
    for (let after = 0; ;) {
      const response = await fetch(
        `${this.url}/requests?partner=${partner}&after=${after}&limit=5000`,
      );
      const page = (await response.json()) as { requests: SandboxRequest[] };
      if (page.requests.length === 0) return all;
      all.push(...page.requests);
      after = page.requests[page.requests.length - 1].seq;
    }
  }

  /** How often each event id reached a partner (accepted requests). */
  async eventCounts(partner: string): Promise<Record<string, number>> {
    const response = await fetch(`${this.url}/events?partner=${partner}`);
    return ((await response.json()) as { eventIds: Record<string, number> }).eventIds;
  }
}

/** `events.enriched` and `deliveries` of a test context, collected from the start. */
export class PipelineTopics {
  readonly enriched: EnrichedEvent[] = [];
  readonly deliveries: DeliveryRecord[] = [];
  private readonly consumer: Consumer;
  private readonly enrichedTopic: string;

  constructor(context: TestContext) {
    const kafka = new Kafka({
      brokers: context.kafkaBrokers.split(','),
      logLevel: logLevel.NOTHING,
    });
    this.consumer = kafka.consumer({ groupId: `${context.topicPrefix}e2e.collector` });
    this.enrichedTopic = topicName(context.topicPrefix, PIPELINE_TOPICS.enrichedEvents);
  }

  async start(context: TestContext): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: [this.enrichedTopic, topicName(context.topicPrefix, PIPELINE_TOPICS.deliveries)],
      fromBeginning: true,
    });
    await this.consumer.run({
      eachBatch: async ({ batch }) => {
        const target: unknown[] =
          batch.topic === this.enrichedTopic ? this.enriched : this.deliveries;
        for (const message of batch.messages) {
          target.push(JSON.parse(message.value?.toString() ?? 'null'));
        }
      },
    });
  }

  async stop(): Promise<void> {
    await this.consumer.disconnect();
  }

  deliveriesOf(eventId: string): DeliveryRecord[] {
    return this.deliveries.filter((record) => record.eventId === eventId);
  }
}

/** Sends hits as a site and its visitors' browsers do. */
export class SiteClient {
  constructor(
    readonly ingestUrl: string,
    private readonly site: DemoSite,
  ) {}

  private get path(): string {
    return `${this.site.siteId}/${this.site.containerId}`;
  }

  /** A web hit from the browser tag (text/plain, as sendBeacon sends it). */
  async web(body: Record<string, unknown>, userAgent: string): Promise<void> {
    const response = await fetch(`${this.ingestUrl}/v1/web/${this.path}`, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: this.site.origin, 'user-agent': userAgent },
      body: JSON.stringify(body),
    });
    if (response.status !== 204) {
      throw new Error(`web hit: ${response.status} ${await response.text()}`);
    }
  }

  /** One server hit; its event id. */
  async server(variables: Record<string, unknown>, userAgent: string): Promise<string> {
    const [eventId] = await this.post(`/v1/hit/${this.path}`, variables, userAgent);
    return eventId;
  }

  /** Up to 500 server hits at once (all or nothing); their event ids in order. */
  async batch(hits: Record<string, unknown>[], userAgent: string): Promise<string[]> {
    return this.post(`/v1/batch/${this.path}`, { hits }, userAgent);
  }

  private async post(path: string, body: unknown, userAgent: string): Promise<string[]> {
    const response = await fetch(`${this.ingestUrl}${path}`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': this.site.writeKey,
        'user-agent': userAgent,
      },
      body: JSON.stringify(body),
    });
    const text = await response.text();
    if (response.status !== 202) throw new Error(`${path}: ${response.status} ${text}`);
    return (JSON.parse(text) as { eventIds: string[] }).eventIds;
  }
}
