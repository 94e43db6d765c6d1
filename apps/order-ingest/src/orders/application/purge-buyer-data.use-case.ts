import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { BuyerDataVault } from '../infrastructure/buyer-data.vault';

/**
 * Amazon's Data Protection Policy: buyer data goes 30 days after delivery (earlier for
 * cancelled orders). Scheduled on every replica; the purge locks rows with SKIP LOCKED,
 * so replicas share the work and a row is wiped once.
 */
@Injectable()
export class PurgeBuyerDataUseCase {
  private readonly logger = new Logger(PurgeBuyerDataUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(BuyerDataVault) private readonly vault: BuyerDataVault,
  ) {}

  async execute(): Promise<number> {
    let total = 0;
    for (;;) {
      const purged = await inTransaction(this.dataSource, (m) => this.vault.purgeDue(m));
      total += purged;
      if (purged < 10_000) break;
    }
    if (total > 0) this.logger.log(`purged the buyer data of ${total} order(s) past retention`);
    return total;
  }
}
