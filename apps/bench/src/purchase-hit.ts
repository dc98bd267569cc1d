/**
 * The ingest benchmark's hit: a realistic purchase of about 0.5 KB. The
 * benchmark posts it; the floor server writes its envelope.
 */
export function purchaseHit(): Record<string, unknown> {
  return {
    event: 'purchase',
    user_id: 'u-4f1c2b7e-91aa-4c55-b0a7-7d1f9c2e8a11',
    basket_id: 'b-20261204-88812',
    order_id: 'ORD-2026-000123456',
    amount: 129.9,
    currency: 'EUR',
    email: 'jane.doe@example.com',
    page_url: 'https://shop.example/checkout/confirmation?step=3&utm_source=newsletter',
    items: [
      { sku: 'SKU-12345', name: 'Running shoes', price: 89.9, quantity: 1 },
      { sku: 'SKU-67890', name: 'Sport socks (3 pairs)', price: 20, quantity: 2 },
    ],
    coupon: 'WINTER10',
    shipping: 'express',
  };
}
