import { inTransaction } from '@holdfast/persistence';
import { assertAccountAccess, type ApiKeyPrincipal } from '@holdfast/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { IdempotentRequests, type IdempotencyContext, type StoredResponse } from '../../idempotency/idempotent-request';
import {
  ManifestAlreadyShippedError,
  ManifestEmptyError,
  ManifestNotFoundError,
  ShipmentNotAddableError,
  ShipmentNotFoundError,
} from '../domain/shipment.errors';
import { ManifestRepository, type ManifestRow, type ManifestView } from '../infrastructure/manifest.repository';
import { ShipmentRepository } from '../infrastructure/shipment.repository';

/**
 * Carrier manifests ("distinta"): created `in_preparation`, filled with shipments, then
 * marked `shipped` when the parcels are handed to the carrier. Marking it shipped is what
 * releases its shipments to their channels.
 */
@Injectable()
export class ManifestUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ManifestRepository) private readonly manifests: ManifestRepository,
    @Inject(ShipmentRepository) private readonly shipments: ShipmentRepository,
    @Inject(IdempotentRequests) private readonly idempotent: IdempotentRequests,
  ) {}

  async create(
    command: { reference: string | null; carrier: string | null; shipmentIds: string[] },
    principal: ApiKeyPrincipal,
    idempotency: IdempotencyContext | undefined,
  ): Promise<StoredResponse<ManifestView>> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotent.run(manager, idempotency, async () => {
        const id = uuidv7();
        await this.manifests.insert(manager, { id, reference: command.reference, carrier: command.carrier });
        const manifest = (await this.manifests.row(manager, id, { lock: true })) as ManifestRow;
        await this.addTo(manager, manifest, command.shipmentIds, principal);
        return { status: 201, body: (await this.manifests.get(manager, id, principal.accounts)) as ManifestView };
      }),
    );
  }

  /** Adds shipments; one already on this manifest is left as it is. */
  async addShipments(id: string, shipmentIds: string[], principal: ApiKeyPrincipal): Promise<ManifestView> {
    return this.withManifest(id, principal, async (manager, manifest) => {
      await this.addTo(manager, manifest, shipmentIds, principal);
    });
  }

  async removeShipment(id: string, shipmentId: string, principal: ApiKeyPrincipal): Promise<ManifestView> {
    return this.withManifest(id, principal, async (manager, manifest) => {
      if (manifest.status === 'shipped') throw new ManifestAlreadyShippedError(id);
      const shipment = await this.shipments.row(manager, shipmentId, { lock: true });
      if (!shipment || shipment.manifest_id !== id) throw new ShipmentNotFoundError(shipmentId);
      assertAccountAccess(principal, shipment.account_id);
      await this.shipments.setManifest(manager, shipmentId, null);
    });
  }

  /**
   * in_preparation → shipped, releasing every shipment on it to be sent. Marking a shipped
   * manifest shipped again changes nothing (a retried request is harmless).
   */
  async ship(id: string, principal: ApiKeyPrincipal): Promise<ManifestView> {
    return this.withManifest(id, principal, async (manager, manifest) => {
      const shipmentIds = await this.manifests.shipmentIds(manager, id);
      for (const shipmentId of shipmentIds) {
        const shipment = await this.shipments.row(manager, shipmentId, { lock: true });
        if (shipment) assertAccountAccess(principal, shipment.account_id);
      }
      if (manifest.status === 'shipped') return;
      if (shipmentIds.length === 0) throw new ManifestEmptyError(id);
      await this.manifests.markShipped(manager, id);
      for (const shipmentId of shipmentIds) await this.shipments.release(manager, shipmentId);
    });
  }

  private async addTo(
    manager: EntityManager,
    manifest: ManifestRow,
    shipmentIds: string[],
    principal: ApiKeyPrincipal,
  ): Promise<void> {
    if (shipmentIds.length > 0 && manifest.status === 'shipped') throw new ManifestAlreadyShippedError(manifest.id);
    // Sorted, so two requests touching the same shipments lock them in the same order.
    for (const shipmentId of [...new Set(shipmentIds)].sort()) {
      const shipment = await this.shipments.row(manager, shipmentId, { lock: true });
      if (!shipment) throw new ShipmentNotFoundError(shipmentId);
      assertAccountAccess(principal, shipment.account_id);
      if (shipment.manifest_id === manifest.id) continue;
      if (shipment.voided_at) throw new ShipmentNotAddableError(shipmentId, 'it is voided');
      if (shipment.manifest_id) throw new ShipmentNotAddableError(shipmentId, `it is on manifest ${shipment.manifest_id}`);
      if (shipment.released_at) throw new ShipmentNotAddableError(shipmentId, 'it was already sent without a manifest');
      await this.shipments.setManifest(manager, shipmentId, manifest.id);
    }
  }

  private async withManifest(
    id: string,
    principal: ApiKeyPrincipal,
    action: (manager: EntityManager, manifest: ManifestRow) => Promise<void>,
  ): Promise<ManifestView> {
    return inTransaction(this.dataSource, async (manager) => {
      const manifest = await this.manifests.row(manager, id, { lock: true });
      if (!manifest) throw new ManifestNotFoundError(id);
      await action(manager, manifest);
      return (await this.manifests.get(manager, id, principal.accounts)) as ManifestView;
    });
  }
}
