import type { Channel } from '@holdfast/contracts';
import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { CarrierCodeInUseError, CarrierMappingNotFoundError } from '../domain/carrier-mapping.errors';
import { CarrierMappingRepository } from '../infrastructure/carrier-mapping.repository';

/**
 * Edits what a channel is known to accept: the carrier code list (Amazon's spellings are
 * unverified, so they are data) and the mappings. A code still used by a mapping stays.
 */
@Injectable()
export class EditCarrierDataUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CarrierMappingRepository) private readonly mappings: CarrierMappingRepository,
  ) {}

  async addCode(channel: Channel, code: string): Promise<{ added: boolean }> {
    return inTransaction(this.dataSource, async (m) => ({ added: await this.mappings.addChannelCode(m, channel, code) }));
  }

  async removeCode(channel: Channel, code: string): Promise<{ removed: boolean }> {
    return inTransaction(this.dataSource, async (m) => {
      const users = await this.mappings.mappingsUsingCode(m, channel, code);
      if (users > 0) throw new CarrierCodeInUseError(channel, code, users);
      return { removed: await this.mappings.removeChannelCode(m, channel, code) };
    });
  }

  async deleteMapping(id: string): Promise<void> {
    const deleted = await inTransaction(this.dataSource, (m) => this.mappings.delete(m, id));
    if (!deleted) throw new CarrierMappingNotFoundError(id);
  }
}
