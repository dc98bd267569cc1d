/**
 * The pipeline's Kafka topics (DESIGN.md). Names are relative; `topicName()`
 * adds the deployment's prefix (default `tagrelay.`).
 */
export const PIPELINE_TOPICS = {
  serverHits: 'hits.server',
  webHits: 'hits.web',
  enrichedEvents: 'events.enriched',
  deliveries: 'deliveries',
} as const;

export type PipelineTopic = (typeof PIPELINE_TOPICS)[keyof typeof PIPELINE_TOPICS];

export const PARTNERS = ['meta', 'ga4', 'criteo', 'webhook'] as const;
export type Partner = (typeof PARTNERS)[number];

export const dispatchRetryTopic = (partner: Partner) => `dispatch.${partner}.retry`;
export const dispatchDeadLetterTopic = (partner: Partner) => `dispatch.${partner}.dlq`;
/** Where a consumer parks messages it cannot parse (poison messages). */
export const deadLetterTopic = (source: PipelineTopic) => `${source}.dlq`;

export function topicName(prefix: string, topic: string): string {
  return `${prefix}${topic}`;
}

/** Every topic the pipeline needs, relative names. */
export function allPipelineTopics(): string[] {
  return [
    ...Object.values(PIPELINE_TOPICS),
    deadLetterTopic(PIPELINE_TOPICS.serverHits),
    deadLetterTopic(PIPELINE_TOPICS.webHits),
    ...PARTNERS.flatMap((partner) => [
      dispatchRetryTopic(partner),
      dispatchDeadLetterTopic(partner),
    ]),
  ];
}

/**
 * Message key (DESIGN.md): `siteId:<reconciliation key value>`, or
 * `siteId:eventId` when the hit has no key, so one visitor's events stay ordered
 * on one partition and one enrichment consumer writes a visitor's data at a time.
 */
export function messageKey(siteId: string, keyValueOrEventId: string): string {
  return `${siteId}:${keyValueOrEventId}`;
}
