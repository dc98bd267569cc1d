import { Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { PIPELINE_TOPICS } from '@tagrelay/contracts';
import { KafkaModule } from '@tagrelay/kafka';
import { StoreModule } from '@tagrelay/store';
import { ContainerDirectory } from './containers/container-directory';
import { HitIntake } from './hits/hit-intake.service';
import { HitWriter } from './hits/hit.writer';
import { DocsController } from './http/docs.controller';
import { IngestExceptionFilter } from './http/ingest-exception.filter';
import { TagController } from './http/tag.controller';

/** Where hits enter: HTTP in, Kafka out, 2xx only after the broker's ack. */
@Module({
  imports: [
    KafkaModule.forRoot({ writesTo: [PIPELINE_TOPICS.serverHits, PIPELINE_TOPICS.webHits] }),
    StoreModule.forRoot(),
  ],
  // NOTE: the hit routes are registered on Fastify directly, from bootstrap.ts
  // (http/server-hit.routes.ts, http/web-hit.routes.ts): the hot path skips
  // Nest's per-request pipeline.
  controllers: [DocsController, TagController],
  providers: [
    ContainerDirectory,
    HitWriter,
    HitIntake,
    { provide: APP_FILTER, useClass: IngestExceptionFilter },
  ],
})
export class IngestModule {}
