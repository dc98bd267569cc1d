import {
  Body,
  Controller,
  Get,
  HttpCode,
  Options,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ValidationError } from '@tagrelay/contracts';
import { HitIntake, originOf } from '../hits/hit-intake.service';
import { header, queryBytes, requestFacts } from './request-facts';

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/**
 * Web hits from the browser tag. Public (no write key), so: only from the
 * container's allowed origins, CORS for exactly those, and rate-limited.
 */
@Controller('v1/web/:siteId/:containerId')
export class WebHitsController {
  constructor(private readonly intake: HitIntake) {}

  @Post()
  @HttpCode(204)
  async post(
    @Param('siteId') siteId: string,
    @Param('containerId') containerId: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const origin = header(request, 'origin');
    await this.intake.acceptWebHit(
      { siteId, containerId, origin, bodyBytes: request.bodyBytes ?? 0 },
      body,
      requestFacts(request),
    );
    allowOrigin(reply, origin!);
  }

  /** CORS preflight: answered only for an allowed origin. */
  @Options()
  @HttpCode(204)
  preflight(
    @Param('siteId') siteId: string,
    @Param('containerId') containerId: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): void {
    const origin = this.intake.checkOrigin(
      this.intake.container(siteId, containerId),
      header(request, 'origin'),
    );
    allowOrigin(reply, origin);
    reply.headers({
      'access-control-allow-methods': 'POST',
      'access-control-allow-headers': 'content-type',
      'access-control-max-age': '86400',
    });
  }

  /** The same hit as a pixel: `p.gif?d=<URL-encoded JSON of the web hit>`. */
  @Get('p.gif')
  async pixel(
    @Param('siteId') siteId: string,
    @Param('containerId') containerId: string,
    @Query('d') data: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    // NOTE: an <img> request carries no Origin; its Referer names the page.
    const origin = header(request, 'origin') ?? originOf(header(request, 'referer'));
    let body: unknown = {};
    if (typeof data === 'string') {
      try {
        body = JSON.parse(data);
      } catch {
        throw new ValidationError('d', 'must be URL-encoded JSON');
      }
    } else if (data !== undefined) {
      throw new ValidationError('d', 'must appear once');
    }
    await this.intake.acceptWebHit(
      { siteId, containerId, origin, bodyBytes: queryBytes(request) },
      body,
      requestFacts(request),
    );
    await reply
      .status(200)
      .headers({ 'content-type': 'image/gif', 'cache-control': 'no-store, max-age=0' })
      .send(PIXEL);
  }
}

function allowOrigin(reply: FastifyReply, origin: string): void {
  reply.headers({ 'access-control-allow-origin': origin, vary: 'Origin' });
}
