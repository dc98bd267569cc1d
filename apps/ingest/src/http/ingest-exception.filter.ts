import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PinoLogger } from 'nestjs-pino';
import { toErrorResponse } from './error-response';

/** Every error of the ingest API leaves as a status and a stable JSON body. */
@Catch()
export class IngestExceptionFilter implements ExceptionFilter {
  constructor(private readonly logger: PinoLogger) {}

  catch(error: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<FastifyRequest>();
    const response = toErrorResponse(error, request);
    if (response.status >= 500)
      this.logger.warn({ err: error, status: response.status }, 'hit not accepted');
    void http
      .getResponse<FastifyReply>()
      .status(response.status)
      .headers(response.headers)
      .send(response.body);
  }
}
