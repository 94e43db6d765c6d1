import { DomainError } from '@holdfast/platform';

export class UnknownChannelCarrierCodeError extends DomainError {
  readonly code = 'carrier-mapping.unknown-code';
  readonly kind = 'rule-violation';

  constructor(channel: string, code: string, known: readonly string[]) {
    super(
      `${channel} does not list carrier code "${code}" (codes are case-sensitive). ` +
        `Use one of the listed codes, add the code to the ${channel} list if the channel accepts it, ` +
        `or map the carrier to "Other" with a carrier name.`,
      { channel, carrierCode: code, knownCodes: known },
    );
  }
}

export class OtherCarrierNeedsNameError extends DomainError {
  readonly code = 'carrier-mapping.other-needs-name';
  readonly kind = 'invalid-input';

  constructor() {
    super('A carrier mapped to "Other" needs the carrier name the channel should show.');
  }
}

export class InvalidCarrierError extends DomainError {
  readonly code = 'carrier-mapping.invalid-carrier';
  readonly kind = 'invalid-input';

  constructor() {
    super('The carrier must contain at least one letter or digit.');
  }
}

export class CarrierMappingNotFoundError extends DomainError {
  readonly code = 'carrier-mapping.not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No carrier mapping ${id}.`);
  }
}

export class CarrierCodeInUseError extends DomainError {
  readonly code = 'carrier-mapping.code-in-use';
  readonly kind = 'conflict';

  constructor(channel: string, code: string, mappings: number) {
    super(`${mappings} carrier mapping(s) still send "${code}" to ${channel}: change or delete them first.`);
  }
}
