export { createTestContext, deleteTestTopics, dropTestDatabase, TEST_MARKER } from './test-context';
export type { TestContext } from './test-context';
export { localServerLogTails, provideTestServers, REPO_ROOT } from './test-servers';
export type { ServerSource, TestServers } from './test-servers';
export { waitFor } from './wait-for';
export { probeService } from './service-probe';
export type { ServiceProbe } from './service-probe';
