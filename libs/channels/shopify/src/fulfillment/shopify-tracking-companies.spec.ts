import { shopifyTrackingCompany } from './shopify-tracking-companies';

describe(shopifyTrackingCompany.name, () => {
  it.each([
    ['UPS', 'UPS', true],
    ['ups', 'UPS', true],
    ['dhl express', 'DHL Express', true],
    ['DHL', 'DHL Express', true],
    ['poste', 'Poste Italiane', true],
    ['Bartolini', 'BRT', true],
    ['  Corriere Locale  ', 'Corriere Locale', false],
  ])('%s → %s (known: %s)', (carrier, company, known) => {
    expect(shopifyTrackingCompany(carrier)).toEqual({ company, known });
  });

  it("uses the shop's aliases first", () => {
    expect(shopifyTrackingCompany('SDA-EXPRESS', { 'sda-express': 'SDA' })).toEqual({
      company: 'SDA',
      known: true,
    });
    expect(shopifyTrackingCompany('LOCAL', { local: 'Pony Express Milano' })).toEqual({
      company: 'Pony Express Milano',
      known: false,
    });
  });
});
