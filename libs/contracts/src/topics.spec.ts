import { allPipelineTopics, messageKey, topicName } from './topics';

describe('topics', () => {
  it('lists each pipeline topic once, with retry and dead-letter topics per partner', () => {
    const sut = allPipelineTopics();

    expect(new Set(sut).size).toBe(sut.length);
    expect(sut).toEqual(
      expect.arrayContaining([
        'hits.server',
        'hits.web',
        'events.enriched',
        'deliveries',
        'dispatch.meta.retry',
        'dispatch.meta.dlq',
        'dispatch.webhook.dlq',
      ]),
    );
  });

  it('prefixes names and builds keys as DESIGN.md says', () => {
    expect(topicName('tagrelay.', 'hits.web')).toBe('tagrelay.hits.web');
    expect(messageKey('site1', 'user-42')).toBe('site1:user-42');
  });
});
