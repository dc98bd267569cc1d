import { Module } from '@nestjs/common';
import { KafkaModule } from '@tagrelay/kafka';
import { StoreModule } from '@tagrelay/store';

/** Joins server hits with the web data of their reconciliation key. */
@Module({
  imports: [KafkaModule.forRoot(), StoreModule.forRoot()],
})
export class EnrichmentModule {}
