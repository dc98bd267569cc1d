import { Controller, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { answerPartnerRequest } from '../recording/partner-apis';
import { RequestRecorder } from '../recording/request-recorder';
import { SANDBOX_OPTIONS, SandboxOptions } from '../sandbox.options';
import { sandboxEventsTotal, sandboxRequestsTotal } from '../sandbox.metrics';

/** Query parameters and headers that hold credentials: recorded masked. */
const SECRET_QUERY = new Set(['access_token', 'api_secret']);
const SECRET_HEADERS = new Set(['authorization', 'x-api-key', 'cookie']);
const MASK = '***';

/** Every POST is a partner request: answered as that partner would, and recorded. */
@Controller()
export class PartnerApiController {
  constructor(
    private readonly recorder: RequestRecorder,
    @Inject(SANDBOX_OPTIONS) private readonly options: SandboxOptions,
  ) {}

  @Post('*')
  receive(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    const url = new URL(request.url, 'http://sandbox.local');
    const query = Object.fromEntries(url.searchParams);
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [
        name,
        Array.isArray(value) ? value.join(', ') : (value ?? ''),
      ]),
    );
    const body = typeof request.body === 'string' ? request.body : '';
    const answer = answerPartnerRequest(
      { method: request.method, path: url.pathname, query, headers, body },
      { webhookSecret: this.options.webhookSecret },
    );
    this.recorder.record({
      partner: answer.partner,
      method: request.method,
      path: url.pathname,
      query: mask(query, SECRET_QUERY),
      headers: mask(headers, SECRET_HEADERS),
      body: answer.json,
      eventIds: answer.eventIds,
      events: answer.events,
      ...(answer.signature ? { signature: answer.signature } : {}),
      receivedAt: new Date().toISOString(),
      status: answer.status,
    });
    sandboxRequestsTotal.inc({ partner: answer.partner, status: String(answer.status) });
    sandboxEventsTotal.inc({ partner: answer.partner }, answer.events);
    reply.status(answer.status);
    if (answer.body === undefined) void reply.send();
    else void reply.type('application/json').send(JSON.stringify(answer.body));
  }
}

function mask(values: Record<string, string>, secret: Set<string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, secret.has(name) ? MASK : value]),
  );
}
