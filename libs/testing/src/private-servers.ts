/* eslint-disable no-restricted-properties -- passes settings to the server scripts */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { REPO_ROOT } from './test-servers';

const run = promisify(execFile);
const SCRIPTS = resolve(REPO_ROOT, 'docker/local');

export type ServerName = 'kafka' | 'mongo';

/**
 * Servers of one test file's own, on free ports, for fault tests that stop and
 * restart a broker or the store: stopping the shared servers would break the
 * other test files running beside it. Same scripts, same binaries (cached).
 */
export interface PrivateServers {
  kafkaBrokers: string;
  mongodbUri: string;
  stop(name: ServerName): Promise<void>;
  start(name: ServerName): Promise<void>;
  /** Stops both and deletes their data. */
  destroy(): Promise<void>;
}

export async function startPrivateServers(): Promise<PrivateServers> {
  const [kafkaPort, controllerPort, mongoPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
  ]);
  const localDir = await mkdtemp(join(tmpdir(), 'tagrelay-test-servers-'));
  const env = {
    ...process.env,
    KAFKA_PORT: String(kafkaPort),
    KAFKA_CONTROLLER_PORT: String(controllerPort),
    MONGO_PORT: String(mongoPort),
    TAGRELAY_LOCAL_DIR: localDir,
    KAFKA_HEAP: '-Xms128m -Xmx512m',
  };
  const script = async (name: 'up' | 'down', which: ServerName | 'all') => {
    try {
      await run('bash', [resolve(SCRIPTS, name), which], {
        env,
        cwd: REPO_ROOT,
        timeout: 10 * 60_000,
      });
    } catch (error) {
      const detail = error as { stderr?: string; message: string };
      throw new Error(`docker/local/${name} ${which} failed:\n${detail.stderr ?? detail.message}`);
    }
  };
  await script('up', 'all');
  return {
    kafkaBrokers: `127.0.0.1:${kafkaPort}`,
    mongodbUri: `mongodb://127.0.0.1:${mongoPort}`,
    stop: (name) => script('down', name),
    start: (name) => script('up', name),
    destroy: async () => {
      await script('down', 'all');
      await rm(localDir, { recursive: true, force: true });
    },
  };
}

/**
 * A free port below Linux's ephemeral range (32768+): a port picked there can
 * be taken by an outgoing connection between the check and the server's bind.
 */
async function freePort(): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await canListen(port)) return port;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolvePort(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolvePort(true)));
  });
}
