import { inTransaction } from '@holdfast/persistence';
import { assertAccountAccess, type ApiKeyPrincipal } from '@holdfast/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import {
  ShipmentInManifestError,
  ShipmentNotFoundError,
  ShipmentNotRetryableError,
  ShipmentNotVoidableError,
  ShipmentVoidedError,
} from '../domain/shipment.errors';
import { shipmentStatus } from '../domain/shipment-status';
import { ShipmentRepository, type ShipmentView } from '../infrastructure/shipment.repository';

/**
 * What an operator or the ERP does to one shipment after creating it: send it without a
 * manifest, retry it after a failure or a hold, void it. Each is idempotent by state.
 */
@Injectable()
export class ShipmentActionsUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShipmentRepository) private readonly shipments: ShipmentRepository,
  ) {}

  /** Releases a shipment that is on no manifest; already released: unchanged. */
  async send(id: string, principal: ApiKeyPrincipal): Promise<ShipmentView> {
    return this.withShipment(id, principal, async (manager, row) => {
      if (row.voided_at) throw new ShipmentVoidedError(id);
      if (row.manifest_id) throw new ShipmentInManifestError(id, row.manifest_id);
      await this.shipments.release(manager, id);
    });
  }

  /** Failed and held packages (and confirmations the channel did not apply) are sent again. */
  async retry(id: string, principal: ApiKeyPrincipal): Promise<ShipmentView> {
    return this.withShipment(id, principal, async (manager, row) => {
      const packages = await this.shipments.packages(manager, [id]);
      const status = shipmentStatus(
        packages.map((p) => p.state),
        row.voided_at !== null,
      );
      if (row.voided_at) throw new ShipmentVoidedError(id);
      if (!row.released_at) throw new ShipmentNotRetryableError(id, 'not released yet');
      const retried = await this.shipments.retry(manager, id);
      if (retried === 0) throw new ShipmentNotRetryableError(id, status);
    });
  }

  /** Withdraws a shipment that nothing was confirmed or possibly sent for; its units are free again. */
  async void(id: string, principal: ApiKeyPrincipal): Promise<ShipmentView> {
    return this.withShipment(id, principal, async (manager, row) => {
      if (row.voided_at) return;
      const packages = await this.shipments.packages(manager, [id]);
      if (packages.some((p) => p.state === 'confirmed')) throw new ShipmentNotVoidableError(id, 'the channel confirmed a package of it');
      if (packages.some((p) => p.state === 'sent' || p.outcome_unknown)) {
        throw new ShipmentNotVoidableError(id, 'a package may have reached the channel; wait for the outcome');
      }
      await this.shipments.void(manager, id);
    });
  }

  private async withShipment(
    id: string,
    principal: ApiKeyPrincipal,
    action: (manager: EntityManager, row: NonNullable<Awaited<ReturnType<ShipmentRepository['row']>>>) => Promise<void>,
  ): Promise<ShipmentView> {
    return inTransaction(this.dataSource, async (manager) => {
      const row = await this.shipments.row(manager, id, { lock: true });
      if (!row) throw new ShipmentNotFoundError(id);
      assertAccountAccess(principal, row.account_id);
      await action(manager, row);
      return (await this.shipments.get(manager, id)) as ShipmentView;
    });
  }
}
