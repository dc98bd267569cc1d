/* eslint-disable no-restricted-properties -- see test-servers.ts */
import { provideTestServers, TestServers } from './test-servers';

declare global {
  var __TAGRELAY_SERVERS__: TestServers | undefined;
}

/** Jest global setup of the integration project: real servers, once per run. */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const servers = await provideTestServers();
  process.env.KAFKA_BROKERS = servers.kafkaBrokers;
  process.env.MONGODB_URI = servers.mongodbUri;
  globalThis.__TAGRELAY_SERVERS__ = servers;
  process.stderr.write(
    `\ntest servers (${servers.source}, ${Date.now() - started} ms): kafka ${servers.kafkaBrokers}, mongodb ${servers.mongodbUri}\n`,
  );
}
