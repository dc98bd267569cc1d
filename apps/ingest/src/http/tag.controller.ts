import { Controller, Get, Header, Param } from '@nestjs/common';
import { HitIntake } from '../hits/hit-intake.service';
import { browserTag } from '../tag/browser-tag';
import { notFound } from './error-response';
import { IngestHttpError } from './ingest-errors';

/** `GET /v1/tag/:siteId/:containerId.js`: the tag generated from the container's configuration. */
@Controller('v1/tag/:siteId')
export class TagController {
  constructor(private readonly intake: HitIntake) {}

  @Get(':file')
  @Header('content-type', 'application/javascript; charset=utf-8')
  // NOTE: short cache: configuration changes reach browsers within minutes.
  @Header('cache-control', 'public, max-age=300')
  tag(@Param('siteId') siteId: string, @Param('file') file: string): string {
    if (!file.endsWith('.js')) {
      const { status, body } = notFound({ method: 'GET', url: `/v1/tag/${siteId}/${file}` });
      throw new IngestHttpError(status, body.error.code, body.error.message);
    }
    return browserTag(this.intake.container(siteId, file.slice(0, -3)));
  }
}
