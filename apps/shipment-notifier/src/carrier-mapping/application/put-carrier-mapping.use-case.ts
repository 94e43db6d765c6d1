import type { Channel } from '@holdfast/contracts';
import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { carrierKey } from '../domain/carrier-key';
import {
  InvalidCarrierError,
  OtherCarrierNeedsNameError,
  UnknownChannelCarrierCodeError,
} from '../domain/carrier-mapping.errors';
import { CarrierMappingRepository, type CarrierMapping } from '../infrastructure/carrier-mapping.repository';

export interface PutCarrierMappingCommand {
  carrier: string;
  channel: Channel;
  marketplaceId: string | null;
  code: string;
  name: string | null;
}

/** The channel's generic carrier, allowed only when a merchant maps a carrier to it on purpose. */
export const OTHER_CARRIER_CODE = 'Other';

/**
 * Creates or replaces the mapping of one carrier for one channel (and marketplace). A channel
 * with a code list (Amazon) accepts only codes on it, exactly as spelled there; `Other` needs
 * the carrier name the channel should show.
 */
@Injectable()
export class PutCarrierMappingUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CarrierMappingRepository) private readonly mappings: CarrierMappingRepository,
  ) {}

  async execute(command: PutCarrierMappingCommand): Promise<{ mapping: CarrierMapping; created: boolean }> {
    const carrier = carrierKey(command.carrier);
    if (carrier === '') throw new InvalidCarrierError();
    const name = command.name?.trim() ? command.name.trim() : null;
    if (command.code === OTHER_CARRIER_CODE && name === null) throw new OtherCarrierNeedsNameError();
    return inTransaction(this.dataSource, async (manager) => {
      const known = await this.mappings.channelCodes(manager, command.channel);
      if (known.length > 0 && !known.includes(command.code)) {
        throw new UnknownChannelCarrierCodeError(command.channel, command.code, known);
      }
      return this.mappings.upsert(manager, {
        carrier,
        channel: command.channel,
        marketplaceId: command.marketplaceId,
        code: command.code,
        name,
      });
    });
  }
}
