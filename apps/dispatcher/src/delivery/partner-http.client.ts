import { Inject, Injectable, OnApplicationShutdown } from '@nestjs/common';
import { Agent, Dispatcher, interceptors, request as undiciRequest } from 'undici';
import { APP_CONFIG, AppConfig } from '@tagrelay/config';
import { PartnerRequest, PartnerResponse } from '@tagrelay/partners';

/** What came back: an answer, or why there was none (timeout, refused…). */
export interface HttpOutcome {
  response: PartnerResponse | null;
  error: string | null;
  latencyMs: number;
}

/** Partners answer small JSON; more than this is cut (it is only recorded). */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * The one HTTP client of the process: undici, keep-alive pools per origin,
 * every request bounded by DISPATCHER_REQUEST_TIMEOUT_MS from start to last
 * byte, so a partner that hangs costs a timeout, never a stuck slot. Never
 * throws: a failure is an outcome the caller judges.
 */
@Injectable()
export class PartnerHttpClient implements OnApplicationShutdown {
  private readonly agent: Agent;
  private readonly dispatcher: Dispatcher;
  private readonly timeoutMs: number;

  constructor(@Inject(APP_CONFIG) config: Pick<AppConfig, 'dispatcher'>) {
    this.timeoutMs = config.dispatcher.requestTimeoutMs;
    this.agent = new Agent({
      keepAliveTimeout: 10_000,
      keepAliveMaxTimeout: 60_000,
      connect: { timeout: this.timeoutMs },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
    });
    // NOTE: some partner endpoints answer 307 to send a client to its region.
    this.dispatcher = this.agent.compose(interceptors.redirect({ maxRedirections: 2 }));
  }

  async send(request: PartnerRequest): Promise<HttpOutcome> {
    const started = performance.now();
    try {
      const response = await undiciRequest(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        dispatcher: this.dispatcher,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      const body = await readCapped(response.body);
      return {
        response: { status: response.statusCode, headers: response.headers, body },
        error: null,
        latencyMs: performance.now() - started,
      };
    } catch (error) {
      return {
        response: null,
        error: this.describe(error),
        latencyMs: performance.now() - started,
      };
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.agent.destroy();
  }

  private describe(error: unknown): string {
    const { name, code, message } = error as { name?: string; code?: string; message?: string };
    if (
      name === 'TimeoutError' ||
      name === 'AbortError' ||
      code === 'UND_ERR_HEADERS_TIMEOUT' ||
      code === 'UND_ERR_BODY_TIMEOUT' ||
      code === 'UND_ERR_CONNECT_TIMEOUT'
    ) {
      return `no answer within ${this.timeoutMs} ms`;
    }
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    return `${code ?? cause ?? name ?? 'error'}: ${message ?? String(error)}`;
  }
}

async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    chunks.push(chunk);
    size += chunk.length;
    if (size >= MAX_RESPONSE_BYTES) {
      body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString('utf8');
}
