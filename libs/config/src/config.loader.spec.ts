import { ConfigError, loadConfig } from './config.loader';

describe(loadConfig.name, () => {
  it('gives every value a default', () => {
    const sut = loadConfig('ingest', {});

    expect(sut.http.port).toBe(8080);
    expect(sut.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(sut.kafka.topicPrefix).toBe('tagrelay.');
    expect(sut.kafka.clientId).toBe('tagrelay-ingest');
    expect(sut.mongo.database).toBe('tagrelay');
  });

  it('uses the service default port unless HTTP_PORT is set', () => {
    expect(loadConfig('monitor', {}).http.port).toBe(8081);
    expect(loadConfig('monitor', { HTTP_PORT: '9000' }).http.port).toBe(9000);
  });

  it('parses lists, numbers and booleans', () => {
    const sut = loadConfig('enrichment', {
      KAFKA_BROKERS: ' a:9092, b:9093 ,',
      KAFKA_RETENTION_HOURS: '2',
      LOG_PRETTY: 'yes',
    });

    expect(sut.kafka.brokers).toEqual(['a:9092', 'b:9093']);
    expect(sut.kafka.topics.retentionMs).toBe(7_200_000);
    expect(sut.log.pretty).toBe(true);
  });

  it('reads the dispatcher partner and its retry delays', () => {
    const sut = loadConfig('dispatcher', {
      DISPATCHER_PARTNER: 'ga4',
      DISPATCHER_RETRY_DELAYS_MS: '500, 2000,',
    });

    expect(sut.http.port).toBe(8083);
    expect(sut.dispatcher.partner).toBe('ga4');
    expect(sut.dispatcher.retryDelaysMs).toEqual([500, 2000]);
    expect(loadConfig('dispatcher', {}).dispatcher.partner).toBeNull();
  });

  it('treats an empty value as unset', () => {
    expect(loadConfig('ingest', { HTTP_PORT: '' }).http.port).toBe(8080);
  });

  it.each([
    ['HTTP_PORT', 'eighty'],
    ['HTTP_PORT', '70000'],
    ['KAFKA_BROKERS', 'localhost'],
    ['KAFKA_TOPIC_PREFIX', 'bad prefix'],
    ['MONGODB_URI', 'http://db'],
    ['LOG_LEVEL', 'loud'],
    ['DISPATCHER_PARTNER', 'tiktok'],
    ['DISPATCHER_RETRY_DELAYS_MS', '1000,soon'],
  ])('rejects %s=%s and names the variable', (variable, value) => {
    const attempt = () => loadConfig('ingest', { [variable]: value });

    expect(attempt).toThrow(ConfigError);
    expect(attempt).toThrow(new RegExp(`${variable}: `));
  });

  it('reports every bad variable at once', () => {
    try {
      loadConfig('ingest', { HTTP_PORT: 'x', MONGODB_URI: 'y' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((issue) => issue.variable).sort()).toEqual([
        'HTTP_PORT',
        'MONGODB_URI',
      ]);
    }
  });
});
