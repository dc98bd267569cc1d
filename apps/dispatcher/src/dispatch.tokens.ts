/** The partner this process serves (`Partner`). */
export const DISPATCH_PARTNER = Symbol('DISPATCH_PARTNER');
/** That partner's connector (`PartnerConnector`). */
export const PARTNER_CONNECTOR = Symbol('PARTNER_CONNECTOR');
