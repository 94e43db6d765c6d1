/**
 * Carrier codes confirmShipment accepts. Amazon matches them exactly, case included; anything else
 * must be sent as "Other" with a carrierName. The default list is the one seen for Italy and Germany
 * (unverified spellings, so it is configuration: SPAPI_SIM_CARRIERS, the scenario file or
 * PUT /_sim/carriers).
 */
export const DEFAULT_CARRIER_CODES: readonly string[] = [
  'BRT',
  'Bartolini',
  'GLS',
  'SDA',
  'Poste Italiane',
  'DHL',
  'DHL-Paket',
  'DHL Express',
  'UPS',
  'DPD',
  'Hermes',
  'Hermes Logistik Gruppe',
  'Deutsche Post',
  'TNT',
  'FedEx',
  'GO!',
  'InPost',
  'Fercam',
  'Arco Spedizioni',
  'Amazon Shipping',
];

export const OTHER_CARRIER = 'Other';

export interface CarrierListSettings {
  codes: string[];
  byMarketplace: Record<string, string[]>;
  /** Marketplaces that refuse "Other". */
  otherRejectedIn: string[];
}

export class CarrierList {
  private settings: CarrierListSettings;

  constructor(private readonly initial: CarrierListSettings) {
    this.settings = structuredClone(initial);
  }

  /** undefined when accepted, otherwise why not. */
  check(marketplaceId: string, carrierCode: string, carrierName: string | undefined): string | undefined {
    if (carrierCode === OTHER_CARRIER) {
      if (this.settings.otherRejectedIn.includes(marketplaceId)) {
        return `carrierCode "Other" is not accepted in marketplace ${marketplaceId}`;
      }
      return carrierName && carrierName.trim() !== ''
        ? undefined
        : 'carrierName is required when carrierCode is "Other"';
    }
    const codes = this.settings.byMarketplace[marketplaceId] ?? this.settings.codes;
    return codes.includes(carrierCode)
      ? undefined
      : `carrierCode "${carrierCode}" is not a valid carrier code`;
  }

  update(settings: Partial<CarrierListSettings>): void {
    this.settings = { ...this.settings, ...structuredClone(settings) };
  }

  current(): CarrierListSettings {
    return structuredClone(this.settings);
  }

  reset(): void {
    this.settings = structuredClone(this.initial);
  }
}
