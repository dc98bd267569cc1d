import type { Partner } from '@tagrelay/contracts';
import { CriteoConnector } from './criteo/criteo.connector';
import { Ga4Connector } from './ga4/ga4.connector';
import { MetaConnector } from './meta/meta.connector';
import type { PartnerConnector } from './partner.connector';
import { WebhookConnector } from './webhook/webhook.connector';

const CONNECTORS: Record<Partner, () => PartnerConnector> = {
  meta: () => new MetaConnector(),
  ga4: () => new Ga4Connector(),
  criteo: () => new CriteoConnector(),
  webhook: () => new WebhookConnector(),
};

/** The connector of a partner: one per process, stateless. */
export function connectorFor(partner: Partner): PartnerConnector {
  return CONNECTORS[partner]();
}
