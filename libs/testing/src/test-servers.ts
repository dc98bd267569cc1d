/* eslint-disable no-restricted-properties -- the harness hands server addresses
   to jest workers through the environment, the one channel they inherit. */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const REPO_ROOT = resolve(__dirname, '../../..');
const LOCAL_SCRIPTS = resolve(REPO_ROOT, 'docker/local');

export type ServerSource = 'environment' | 'testcontainers' | 'local-scripts';

export interface TestServers {
  kafkaBrokers: string;
  mongodbUri: string;
  source: ServerSource;
  stop(): Promise<void>;
}

/**
 * Finds real servers for the tests, in the order DESIGN.md gives: servers named
 * by `KAFKA_BROKERS` / `MONGODB_URI`; else testcontainers when a Docker engine
 * answers; else the project's own scripts under `docker/local`. A server that
 * cannot be started fails the run with the reason: no test skips quietly.
 */
export async function provideTestServers(): Promise<TestServers> {
  const { KAFKA_BROKERS, MONGODB_URI } = process.env;
  if (KAFKA_BROKERS && MONGODB_URI) {
    return {
      kafkaBrokers: KAFKA_BROKERS,
      mongodbUri: MONGODB_URI,
      source: 'environment',
      stop: async () => undefined,
    };
  }
  if (await dockerAnswers()) return startContainers();
  return startLocalServers();
}

async function dockerAnswers(): Promise<boolean> {
  try {
    const { getContainerRuntimeClient } = await import('testcontainers');
    await getContainerRuntimeClient();
    return true;
  } catch {
    return false;
  }
}

async function startContainers(): Promise<TestServers> {
  const { KafkaContainer } = await import('@testcontainers/kafka');
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const [kafka, mongo] = await Promise.all([
    new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start(),
    new MongoDBContainer('mongo:7').start(),
  ]);
  return {
    kafkaBrokers: `${kafka.getHost()}:${kafka.getMappedPort(9093)}`,
    mongodbUri: `${mongo.getConnectionString()}?directConnection=true`,
    source: 'testcontainers',
    stop: async () => {
      await Promise.all([kafka.stop(), mongo.stop()]);
    },
  };
}

async function startLocalServers(): Promise<TestServers> {
  const up = resolve(LOCAL_SCRIPTS, 'up');
  if (!existsSync(up)) throw new Error(`cannot start test servers: ${up} is missing`);
  const wasRunning = await localServersRunning();
  let stdout: string;
  try {
    ({ stdout } = await run('bash', [up], {
      cwd: REPO_ROOT,
      maxBuffer: 16 * 1024 * 1024,
      timeout: 20 * 60_000,
    }));
  } catch (error) {
    const detail = error as { stderr?: string; message: string };
    throw new Error(
      `cannot start test servers with docker/local/up:\n${detail.stderr ?? detail.message}`,
    );
  }
  const values = parseAssignments(stdout);
  if (!values.KAFKA_BROKERS || !values.MONGODB_URI) {
    throw new Error(`docker/local/up printed no KAFKA_BROKERS / MONGODB_URI:\n${stdout}`);
  }
  return {
    kafkaBrokers: values.KAFKA_BROKERS,
    mongodbUri: values.MONGODB_URI,
    source: 'local-scripts',
    // NOTE: servers that were already up (a developer's) stay up.
    stop: async () => {
      if (!wasRunning) await run('bash', [resolve(LOCAL_SCRIPTS, 'down')], { cwd: REPO_ROOT });
    },
  };
}

async function localServersRunning(): Promise<boolean> {
  try {
    const { stdout } = await run('bash', [resolve(LOCAL_SCRIPTS, 'status')], { cwd: REPO_ROOT });
    return !/stopped/i.test(stdout) && /running/i.test(stdout);
  } catch {
    return false;
  }
}

function parseAssignments(stdout: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.+)$/.exec(line.trim());
    if (match) values[match[1]] = match[2];
  }
  return values;
}

/** The tails of the local servers' logs, for a failing run's report. */
export async function localServerLogTails(lines = 40): Promise<string> {
  const logs = resolve(process.env.TAGRELAY_LOCAL_DIR ?? resolve(REPO_ROOT, '.local'), 'logs');
  const parts: string[] = [];
  for (const name of ['kafka.log', 'mongo.log']) {
    try {
      const text = await readFile(resolve(logs, name), 'utf8');
      parts.push(
        `--- ${name} (last ${lines} lines) ---\n${text.split('\n').slice(-lines).join('\n')}`,
      );
    } catch {
      // no log: that server was not started by the local scripts
    }
  }
  return parts.join('\n');
}
