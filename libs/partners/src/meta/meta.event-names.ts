/**
 * Meta's standard events for the names sites usually use (GA4 style, snake
 * case). Other names are sent as they are: Meta accepts custom events.
 */
const STANDARD_EVENTS: Record<string, string> = {
  page_view: 'PageView',
  view_item: 'ViewContent',
  view_content: 'ViewContent',
  add_to_cart: 'AddToCart',
  add_to_wishlist: 'AddToWishlist',
  begin_checkout: 'InitiateCheckout',
  initiate_checkout: 'InitiateCheckout',
  add_payment_info: 'AddPaymentInfo',
  purchase: 'Purchase',
  generate_lead: 'Lead',
  lead: 'Lead',
  sign_up: 'CompleteRegistration',
  complete_registration: 'CompleteRegistration',
  search: 'Search',
  contact: 'Contact',
  subscribe: 'Subscribe',
  start_trial: 'StartTrial',
  find_location: 'FindLocation',
  schedule: 'Schedule',
  submit_application: 'SubmitApplication',
  customize_product: 'CustomizeProduct',
  donate: 'Donate',
};

export function metaEventName(name: string | undefined): string | undefined {
  if (name === undefined) return undefined;
  return STANDARD_EVENTS[name.toLowerCase()] ?? name;
}
