import { Module } from '@nestjs/common';
import { KafkaModule } from '@tagrelay/kafka';

/** Incoming server and web hits, written to Kafka. */
@Module({
  imports: [KafkaModule.forRoot()],
})
export class IngestModule {}
