import { normalizePhone, NORMALIZERS } from './meta.user-data';

describe('Meta customer information normalisation', () => {
  it.each([
    ['+44 844 412 4653', undefined, '448444124653'],
    ['0044 844 412 4653', undefined, '448444124653'],
    ['06 12 34 56 78', '33', '33612345678'],
    ['(650) 555-1234', '1', '16505551234'],
    ['1 650 555 1234', '1', '16505551234'],
    ['12', undefined, undefined],
  ])('phone %s (country code %s) → %s', (input, countryCode, expected) => {
    expect(normalizePhone(input, countryCode)).toBe(expected);
  });

  it.each([
    ['em', ' John.Doe@Example.COM ', 'john.doe@example.com'],
    ['em', 'not-an-email', undefined],
    ['ge', ' MALE', 'm'],
    ['db', '19900207', '19900207'],
    ['db', '1990/02/30', undefined],
    ['ct', 'Saint-Étienne', 'saintétienne'],
    ['st', 'New York', 'ny'],
    ['st', 'Île-de-France', 'îledefrance'],
    ['zp', 'SW1A 1AA', 'sw1a1aa'],
    ['country', 'FR', 'fr'],
    ['external_id', ' ABC-123 ', 'abc-123'],
  ] as const)('%s %s → %s', (field, input, expected) => {
    expect(NORMALIZERS[field](input, {})).toBe(expected);
  });
});
