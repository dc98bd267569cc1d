import { ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync, rmSync, WriteStream } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EnvSource } from '@tagrelay/config';
import { REPO_ROOT, waitFor } from '@tagrelay/testing';

export interface ServiceSpec {
  /** Unique in the test: `ingest`, `dispatcher-meta`… (names the log file). */
  name: string;
  /** The folder under `apps/`. */
  app: string;
  env: EnvSource;
  args?: string[];
}

export interface RunningService {
  name: string;
  /** Where it listens (it binds port 0 and logs the port it got). */
  url: string;
  child: ChildProcess;
  logPath: string;
}

const STOP_GRACE_MS = 10_000;
const everyChild = new Set<ChildProcess>();
let exitHookInstalled = false;

/**
 * Runs services as separate processes, as they run in production (one per
 * app, one dispatcher per partner), from their TypeScript sources. Each
 * process's output goes to a log file whose tail is shown when something
 * fails; `stopAll()` (in `afterAll`) ends them, SIGKILL after a grace period,
 * and a process-exit hook kills whatever a crashed test run left.
 */
export class ServiceProcesses {
  private readonly services: RunningService[] = [];

  constructor(readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
    if (!exitHookInstalled) {
      exitHookInstalled = true;
      process.on('exit', () => {
        for (const child of everyChild) child.kill('SIGKILL');
      });
    }
  }

  get running(): readonly RunningService[] {
    return this.services;
  }

  async start(spec: ServiceSpec, readyTimeoutMs = 120_000): Promise<RunningService> {
    const logPath = join(this.logDir, `${spec.name}.log`);
    const log = createWriteStream(logPath, { flags: 'a' });
    const env = Object.fromEntries(
      Object.entries({ ...spec.env, LOG_LEVEL: 'info' }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    );
    const child = spawn(
      process.execPath,
      ['-r', '@swc-node/register', `apps/${spec.app}/src/main.ts`, ...(spec.args ?? [])],
      { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    everyChild.add(child);
    child.once('exit', () => everyChild.delete(child));
    child.stderr!.pipe(log, { end: false });
    const url = await listeningUrl(child, log, spec.name, logPath, readyTimeoutMs);
    const service: RunningService = { name: spec.name, url, child, logPath };
    this.services.push(service);
    await waitFor(
      `${spec.name} ready at ${url}/readyz`,
      async () => {
        if (child.exitCode !== null) throw new Error(`${spec.name} exited:\n${this.tail(service)}`);
        return (await fetch(`${url}/readyz`)).ok;
      },
      { timeoutMs: readyTimeoutMs, intervalMs: 200 },
    );
    return service;
  }

  /** SIGTERM to every service, then SIGKILL to those still running after the grace period. */
  async stopAll(): Promise<void> {
    await Promise.all(
      this.services.map(async ({ child }) => {
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
        await exited;
        clearTimeout(timer);
      }),
    );
    this.services.length = 0;
  }

  /** Deletes the logs (their tails are already in any failure's message). */
  removeLogs(): void {
    rmSync(this.logDir, { recursive: true, force: true });
  }

  /** The last lines of each service's log (for failure messages). */
  tails(lines = 20): string {
    return this.services.map((service) => this.tail(service, lines)).join('\n');
  }

  private tail(service: RunningService, lines = 30): string {
    const text = readFileSync(service.logPath, 'utf8').trimEnd().split('\n').slice(-lines);
    return `---- ${service.name} (${service.logPath})\n${text.join('\n')}`;
  }
}

/**
 * Reads the service's JSON log lines until the runtime's "<service> listening"
 * line, which carries the URL (the port is chosen by the system).
 */
function listeningUrl(
  child: ChildProcess,
  log: WriteStream,
  name: string,
  logPath: string,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let found = false;
    const timer = setTimeout(
      () => reject(new Error(`${name} did not listen within ${timeoutMs} ms (log: ${logPath})`)),
      timeoutMs,
    );
    createInterface({ input: child.stdout! }).on('line', (line) => {
      log.write(`${line}\n`);
      if (found || !line.includes('listening')) return;
      try {
        const entry = JSON.parse(line) as { msg?: string; url?: string };
        if (entry.url && entry.msg?.endsWith('listening')) {
          found = true;
          clearTimeout(timer);
          resolve(entry.url);
        }
      } catch {
        // not a log line of ours
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (!found) {
        setTimeout(() => {
          const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-30).join('\n');
          reject(new Error(`${name} exited (${code ?? signal}) before listening:\n${tail}`));
        }, 100);
      }
    });
  });
}
