import { carrierKey } from './carrier-key';

describe(carrierKey.name, () => {
  it('matches however the ERP spells a carrier', () => {
    for (const spelling of ['Poste Italiane', 'POSTE_ITALIANE', ' poste  italiane ', 'poste-italiane']) {
      expect(carrierKey(spelling)).toBe('poste-italiane');
    }
    expect(carrierKey('GO!')).toBe('go');
    expect(carrierKey('Hermes Logistik Gruppe')).toBe('hermes-logistik-gruppe');
    expect(carrierKey('Österreichische Post')).toBe('osterreichische-post');
    expect(carrierKey('--')).toBe('');
  });
});
