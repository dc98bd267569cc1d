import { HttpException, HttpStatus } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { FatalError, RetriableError, ValidationError } from '@tagrelay/contracts';
import { ProducerBackpressureError } from '@tagrelay/kafka';
import { ErrorBody, IngestHttpError } from './ingest-errors';

export interface ErrorResponse {
  status: number;
  body: ErrorBody;
  headers: Record<string, string>;
}

/** Resources and the methods they answer, for 405 with `Allow`. */
const RESOURCES: [RegExp, string][] = [
  [/^\/v1\/hit\/[^/]+\/[^/]+\/?$/, 'GET, POST'],
  [/^\/v1\/batch\/[^/]+\/[^/]+\/?$/, 'POST'],
  [/^\/v1\/web\/[^/]+\/[^/]+\/?$/, 'POST, OPTIONS'],
  [/^\/v1\/web\/[^/]+\/[^/]+\/p\.gif$/, 'GET'],
  [/^\/v1\/tag\/[^/]+\/[^/]+\.js$/, 'GET'],
];

const body = (status: number, code: string, message: string, field?: string): ErrorBody => ({
  error: { status, code, message, ...(field ? { field } : {}) },
});

/**
 * The one mapping from anything thrown while serving a request to a status
 * and a stable JSON body. Used by the Nest exception filter and by Fastify's
 * error and not-found handlers (body parsing happens before Nest sees it).
 */
export function toErrorResponse(
  error: unknown,
  request: { method: string; url: string },
): ErrorResponse {
  if (error instanceof IngestHttpError) {
    const headers: Record<string, string> = {};
    if (error.extra.retryAfterSeconds)
      headers['retry-after'] = String(error.extra.retryAfterSeconds);
    return { status: error.getStatus(), body: error.getResponse() as ErrorBody, headers };
  }
  if (error instanceof ValidationError) {
    return { status: 400, body: body(400, 'invalid_hit', error.message, error.field), headers: {} };
  }
  if (error instanceof ProducerBackpressureError) {
    return {
      status: 503,
      body: body(503, 'overloaded', 'too many hits waiting for the broker; retry'),
      headers: { 'retry-after': '1' },
    };
  }
  if (error instanceof RetriableError) {
    return {
      status: 503,
      body: body(503, 'broker_unavailable', 'the hit could not be stored; retry'),
      headers: { 'retry-after': '2' },
    };
  }
  if (error instanceof FatalError) {
    return { status: 500, body: body(500, 'internal', 'the hit could not be stored'), headers: {} };
  }
  if (error instanceof HttpException && error.getStatus() === HttpStatus.NOT_FOUND) {
    return notFound(request);
  }
  const status = statusOf(error);
  if (status === 413)
    return { status, body: body(413, 'too_large', 'request body too large'), headers: {} };
  if (status === 415) {
    return {
      status,
      body: body(
        415,
        'unsupported_media_type',
        'send application/json, text/plain (JSON) or application/x-www-form-urlencoded',
      ),
      headers: {},
    };
  }
  if (status !== undefined && status >= 400 && status < 500) {
    // Body parsing (ours and Fastify's): bad JSON, invalid UTF-8, empty body.
    const message = error instanceof Error ? error.message : 'bad request';
    return {
      status,
      body: body(status, status === 400 ? 'invalid_body' : 'invalid_request', message),
      headers: {},
    };
  }
  return { status: 500, body: body(500, 'internal', 'internal error'), headers: {} };
}

/** Sends the error's response; 5xx are logged (the client was told to retry). */
export function sendErrorResponse(
  reply: FastifyReply,
  request: { method: string; url: string },
  error: unknown,
  log: Logger,
): FastifyReply {
  const response = toErrorResponse(error, request);
  if (response.status >= 500) log.warn({ err: error, status: response.status }, 'hit not accepted');
  return reply.status(response.status).headers(response.headers).send(response.body);
}

/** A Fastify route's `errorHandler` that answers as every ingest route does. */
export function routeErrorHandler(log: Logger) {
  return (error: unknown, request: FastifyRequest, reply: FastifyReply) =>
    sendErrorResponse(reply, request, error, log);
}

export function notFound(request: { method: string; url: string }): ErrorResponse {
  const path = request.url.split('?')[0];
  const resource = RESOURCES.find(([pattern]) => pattern.test(path));
  if (resource) {
    return {
      status: 405,
      body: body(
        405,
        'method_not_allowed',
        `${request.method} is not allowed here; use ${resource[1]}`,
      ),
      headers: { allow: resource[1] },
    };
  }
  return {
    status: 404,
    body: body(404, 'not_found', `no route ${request.method} ${path}`),
    headers: {},
  };
}

function statusOf(error: unknown): number | undefined {
  if (error instanceof HttpException) return error.getStatus();
  const status = (error as { statusCode?: unknown })?.statusCode;
  return typeof status === 'number' ? status : undefined;
}
