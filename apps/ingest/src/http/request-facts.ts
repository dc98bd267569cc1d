import type { FastifyRequest } from 'fastify';
import { RequestFacts } from '../hits/envelope.factory';

export function requestFacts(request: FastifyRequest): RequestFacts {
  const userAgent = request.headers['user-agent'];
  return { ip: request.ip, userAgent: userAgent?.slice(0, 512), receivedAt: Date.now() };
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Bytes of the raw query string, the size of a GET hit. */
export function queryBytes(request: FastifyRequest): number {
  const index = request.url.indexOf('?');
  return index < 0 ? 0 : Buffer.byteLength(request.url.slice(index + 1));
}
