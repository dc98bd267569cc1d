import { Module } from '@nestjs/common';
import { KafkaModule } from '@tagrelay/kafka';
import { StoreModule } from '@tagrelay/store';

/** Stats, traces, configuration API and dashboard. */
@Module({
  imports: [KafkaModule.forRoot(), StoreModule.forRoot()],
})
export class MonitorModule {}
