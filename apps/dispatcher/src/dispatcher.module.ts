import { DynamicModule, Module } from '@nestjs/common';
import {
  dispatchDeadLetterTopic,
  dispatchRetryTopic,
  Partner,
  PIPELINE_TOPICS,
} from '@tagrelay/contracts';
import { KafkaModule } from '@tagrelay/kafka';
import { connectorFor } from '@tagrelay/partners';
import { StoreModule } from '@tagrelay/store';
import { DispatchConsumer } from './consumer/dispatch.consumer';
import { DispatchHandler } from './consumer/dispatch.handler';
import { DeliveryEngine } from './delivery/delivery-engine';
import { PartnerHttpClient } from './delivery/partner-http.client';
import { DestinationDirectory } from './destinations/destination-directory';
import { DISPATCH_PARTNER, PARTNER_CONNECTOR } from './dispatch.tokens';
import { OutcomeWriter } from './outcomes/outcome-writer';

/** Where outgoing hits leave: one partner per process, every container's destinations. */
@Module({})
export class DispatcherModule {
  static forPartner(partner: Partner): DynamicModule {
    return {
      module: DispatcherModule,
      imports: [
        KafkaModule.forRoot({
          writesTo: [
            PIPELINE_TOPICS.deliveries,
            dispatchRetryTopic(partner),
            dispatchDeadLetterTopic(partner),
          ],
        }),
        StoreModule.forRoot(),
      ],
      providers: [
        { provide: DISPATCH_PARTNER, useValue: partner },
        { provide: PARTNER_CONNECTOR, useValue: connectorFor(partner) },
        DestinationDirectory,
        PartnerHttpClient,
        DeliveryEngine,
        OutcomeWriter,
        DispatchHandler,
        DispatchConsumer,
      ],
    };
  }
}
