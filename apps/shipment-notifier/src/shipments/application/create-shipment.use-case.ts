import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { NOTIFIER_SETTINGS, type NotifierSettings } from '../../config/notifier-settings';
import { IdempotentRequests, type IdempotencyContext, type StoredResponse } from '../../idempotency/idempotent-request';
import { OrderStateRepository } from '../../order-state/infrastructure/order-state.repository';
import { planShipment, type ShipmentRequest } from '../domain/shipment-plan';
import { ShipmentRepository, type ShipmentView } from '../infrastructure/shipment.repository';

export interface CreateShipmentCommand extends ShipmentRequest {
  /** The ERP's document number, for people. */
  reference: string | null;
  /** Release for sending at once instead of waiting for a manifest. */
  sendImmediately: boolean;
}

/**
 * Accepts a shipment from the ERP for one channel order, after the rules (`planShipment`),
 * and gives each package its reference id. Nothing is sent yet unless asked: a shipment
 * normally goes out when its manifest is marked shipped.
 */
@Injectable()
export class CreateShipmentUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrderStateRepository) private readonly orders: OrderStateRepository,
    @Inject(ShipmentRepository) private readonly shipments: ShipmentRepository,
    @Inject(IdempotentRequests) private readonly idempotent: IdempotentRequests,
    @Inject(NOTIFIER_SETTINGS) private readonly settings: NotifierSettings,
  ) {}

  async execute(
    command: CreateShipmentCommand,
    idempotency: IdempotencyContext | undefined,
  ): Promise<StoredResponse<ShipmentView>> {
    return inTransaction(this.dataSource, (manager) =>
      this.idempotent.run(manager, idempotency, async () => {
        const key = { channel: command.channel, accountId: command.accountId, orderId: command.orderId };
        const order = await this.orders.find(manager, key, { lock: true });
        const commitments = await this.shipments.commitments(manager, key);
        const plan = planShipment(order, command, commitments, new Date(), this.settings.SHIPMENT_SHIP_DATE_MAX_FUTURE_MS);
        const references = await this.shipments.allocatePackageReferences(manager, key, plan.packages.length);
        const id = uuidv7();
        await this.shipments.insert(manager, {
          id,
          reference: command.reference,
          ...key,
          marketplaceId: order?.marketplaceId ?? null,
          lines: plan.lines,
          packages: plan.packages.map((p, i) => ({ ...p, packageReferenceId: references[i] })),
        });
        if (command.sendImmediately) await this.shipments.release(manager, id);
        return { status: 201, body: (await this.shipments.get(manager, id)) as ShipmentView };
      }),
    );
  }
}
