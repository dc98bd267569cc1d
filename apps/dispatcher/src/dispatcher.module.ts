import { Module } from '@nestjs/common';
import { KafkaModule } from '@tagrelay/kafka';
import { StoreModule } from '@tagrelay/store';

/** Sends enriched events to one partner (outgoing hits). */
@Module({
  imports: [KafkaModule.forRoot(), StoreModule.forRoot()],
})
export class DispatcherModule {}
