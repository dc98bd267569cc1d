import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { waitFor } from './wait-for';

/** One request as the partner received it. */
export interface RecordedRequest {
  method: string;
  /** Path without the query, e.g. `/v23.0/123/events`. */
  path: string;
  query: Record<string, string>;
  /** Lowercase names. */
  headers: Record<string, string>;
  body: string;
  /** The body parsed as JSON, when it parses. */
  json: unknown;
  /** `performance.timeOrigin + performance.now()` when the body was read. */
  receivedAt: number;
  /** What was answered; null while (or because) the request hangs. */
  status: number | null;
}

/** How the partner answers. */
export type PartnerBehaviour =
  /** An answer, after `delayMs` (a partner that takes its time). */
  | {
      kind: 'answer';
      status?: number;
      body?: unknown;
      delayMs?: number;
      headers?: Record<string, string>;
    }
  /** 429 with `Retry-After: <seconds>`. */
  | { kind: 'throttle'; retryAfterSeconds: number }
  /** Never answers (until the server closes). */
  | { kind: 'hang' };

export interface PartnerServerOptions {
  /** Listen on this port (to come back where a stopped partner was); default: a free one. */
  port?: number;
  /** Keep every request in `requests` (default); benchmarks turn it off. */
  record?: boolean;
  /** Called for every request once its body is read (benchmarks count here). */
  onRequest?: (request: RecordedRequest) => void;
}

const OK: PartnerBehaviour = { kind: 'answer', status: 200, body: {} };

/**
 * A partner's HTTP API for tests and benchmarks: records every request and
 * answers as told: succeed (after a delay), fail with a status, throttle with
 * 429 + Retry-After, or hang. A default behaviour applies to every request; a
 * queue of one-shot behaviours (`next`) applies to the next requests first.
 */
export class PartnerServer {
  readonly requests: RecordedRequest[] = [];
  private behaviour: PartnerBehaviour = OK;
  private readonly queue: PartnerBehaviour[] = [];
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    private readonly options: PartnerServerOptions,
  ) {}

  static async start(options: PartnerServerOptions = {}): Promise<PartnerServer> {
    const server = createServer();
    // NOTE: longer than the client's keep-alive, so the client closes idle sockets first.
    server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const partner = new PartnerServer(server, `http://127.0.0.1:${port}`, options);
    server.on('request', (request: IncomingMessage, response: ServerResponse) =>
      partner.handle(request, response),
    );
    return partner;
  }

  /** How every request is answered from now on (after the queued one-shots). */
  behave(behaviour: PartnerBehaviour): this {
    this.behaviour = behaviour;
    return this;
  }

  /** Answers the next `count` requests so, then goes back to the default. */
  next(count: number, behaviour: PartnerBehaviour): this {
    for (let i = 0; i < count; i++) this.queue.push(behaviour);
    return this;
  }

  succeed(delayMs = 0, status = 200, body: unknown = {}): this {
    return this.behave({ kind: 'answer', status, body, delayMs });
  }

  fail(status: number, body: unknown = { error: `failing with ${status}` }): this {
    return this.behave({ kind: 'answer', status, body });
  }

  hang(): this {
    return this.behave({ kind: 'hang' });
  }

  /** Requests answered with a 2xx status. */
  get accepted(): RecordedRequest[] {
    return this.requests.filter((request) => request.status !== null && request.status < 300);
  }

  async waitForRequests(count: number, timeoutMs = 30_000): Promise<RecordedRequest[]> {
    return waitFor(
      `${count} requests at the partner (have ${this.requests.length})`,
      () => this.requests.length >= count && [...this.requests],
      { timeoutMs },
    );
  }

  /** Forgets what was recorded and queued; the default behaviour becomes success. */
  reset(): void {
    this.requests.length = 0;
    this.queue.length = 0;
    this.behaviour = OK;
  }

  /** Stops listening and drops every connection, hanging requests included. */
  async close(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
  }

  private handle(request: IncomingMessage, response: ServerResponse): void {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(request.url ?? '/', 'http://partner.test');
      const recorded: RecordedRequest = {
        method: request.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([name, value]) => [
            name,
            Array.isArray(value) ? value.join(', ') : (value ?? ''),
          ]),
        ),
        body,
        json: parseJson(body),
        receivedAt: performance.timeOrigin + performance.now(),
        status: null,
      };
      if (this.options.record !== false) this.requests.push(recorded);
      this.options.onRequest?.(recorded);
      this.respond(this.queue.shift() ?? this.behaviour, recorded, response);
    });
  }

  private respond(
    behaviour: PartnerBehaviour,
    recorded: RecordedRequest,
    response: ServerResponse,
  ): void {
    if (behaviour.kind === 'hang') {
      this.hanging.add(response);
      response.on('close', () => this.hanging.delete(response));
      return;
    }
    if (behaviour.kind === 'throttle') {
      recorded.status = 429;
      response.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(behaviour.retryAfterSeconds),
      });
      response.end(JSON.stringify({ error: 'too many requests' }));
      return;
    }
    const send = () => {
      const status = behaviour.status ?? 200;
      recorded.status = status;
      const body = behaviour.body === undefined ? '' : JSON.stringify(behaviour.body);
      response.writeHead(status, { 'content-type': 'application/json', ...behaviour.headers });
      response.end(body);
    };
    if (behaviour.delayMs) setTimeout(send, behaviour.delayMs);
    else send();
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
