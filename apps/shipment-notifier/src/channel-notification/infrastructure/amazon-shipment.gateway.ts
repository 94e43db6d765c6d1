import {
  AmazonShipmentRequestError,
  clientOptionsFor,
  createSellingPartnerClient,
  loadAmazonAccounts,
  parseUsagePlanOverrides,
  SpApiAmazonShipments,
  SpApiCaller,
  SpApiError,
  SpApiRateLimiter,
  type AmazonShipments,
} from '@holdfast/channels-amazon';
import { Logger } from '@nestjs/common';
import type { NotifierSettings } from '../../config/notifier-settings';
import {
  ChannelUnavailableError,
  type ChannelShipmentGateway,
  type ConfirmOutcome,
  type PackageConfirmation,
  type PackageLookup,
  type PackageRef,
} from '../domain/channel-shipment-gateway';

/** Amazon's own words from an SpApiError (`confirmShipment: 400 InvalidInput: <message>`). */
function amazonMessage(error: SpApiError): string {
  const prefix = `${error.operation}: ${error.status ?? 'no response'} ${error.code}: `;
  return error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
}

/**
 * Amazon behind the channel-neutral port: confirmShipment (v0) per package and getOrder
 * (v2026, PACKAGES) to look packages up, through one `AmazonShipments` adapter per seller
 * account, all sharing one rate limiter.
 */
export class AmazonShipmentGateway implements ChannelShipmentGateway {
  readonly channel = 'amazon' as const;
  readonly unmappedCarriers = 'hold' as const;

  constructor(private readonly byAccount: ReadonlyMap<string, AmazonShipments>) {}

  /** Accounts from AMAZON_ACCOUNTS(_FILE); an account whose credentials cannot be read is left out (and logged). */
  static fromEnvironment(settings: NotifierSettings, env: NodeJS.ProcessEnv = process.env): AmazonShipmentGateway {
    const logger = new Logger(AmazonShipmentGateway.name);
    const limiter = new SpApiRateLimiter({ overrides: parseUsagePlanOverrides(settings.SPAPI_USAGE_PLANS) });
    const byAccount = new Map<string, AmazonShipments>();
    for (const account of loadAmazonAccounts(env)) {
      try {
        const client = createSellingPartnerClient({
          ...clientOptionsFor(account, env),
          timeouts: { response: settings.SHIPMENT_CALL_TIMEOUT_MS, deadline: settings.SHIPMENT_CALL_TIMEOUT_MS },
        });
        const caller = new SpApiCaller(client, account.sellerId, limiter, {
          baseDelayMs: settings.SPAPI_THROTTLE_BASE_MS,
          maxDelayMs: Math.max(settings.SPAPI_THROTTLE_BASE_MS, 10_000),
        });
        byAccount.set(account.accountId, new SpApiAmazonShipments(caller));
      } catch (error) {
        logger.error(`Amazon account ${account.accountId} left out, its credentials cannot be read: ${(error as Error).message}`);
      }
    }
    return new AmazonShipmentGateway(byAccount);
  }

  accounts(): string[] {
    return [...this.byAccount.keys()];
  }

  async confirmPackage(accountId: string, pkg: PackageConfirmation): Promise<ConfirmOutcome> {
    const amazon = this.byAccount.get(accountId);
    if (!amazon) return { kind: 'not-applied', code: 'ChannelAccountNotConfigured', message: `no Amazon credentials for account ${accountId}` };
    if (!pkg.marketplaceId) return { kind: 'rejected', code: 'MissingMarketplace', message: `order ${pkg.orderId} has no marketplace` };
    try {
      await amazon.confirmShipment(pkg.orderId, {
        marketplaceId: pkg.marketplaceId,
        packageReferenceId: pkg.packageReferenceId,
        carrierCode: pkg.carrierCode,
        ...(pkg.carrierName ? { carrierName: pkg.carrierName } : {}),
        ...(pkg.shippingMethod ? { shippingMethod: pkg.shippingMethod } : {}),
        trackingNumber: pkg.trackingNumber,
        shipDate: pkg.shipDate.toISOString(),
        orderItems: pkg.items.map((i) => ({ orderItemId: i.lineId, quantity: i.quantity })),
      });
      return { kind: 'accepted' };
    } catch (error) {
      if (error instanceof AmazonShipmentRequestError) return { kind: 'rejected', code: 'InvalidConfirmation', message: error.message };
      if (error instanceof SpApiError) {
        switch (error.kind) {
          case 'throttled':
            // A 429 means Amazon did nothing.
            return { kind: 'not-applied', code: error.code, message: amazonMessage(error) };
          case 'rejected':
            return { kind: 'rejected', code: error.code, message: amazonMessage(error) };
          case 'transient':
          case 'malformed':
            return { kind: 'unknown', code: error.code, message: amazonMessage(error) };
        }
      }
      return { kind: 'unknown', code: 'UnknownError', message: (error as Error).message ?? String(error) };
    }
  }

  async findPackage(accountId: string, { orderId, packageReferenceId }: PackageRef): Promise<PackageLookup> {
    const amazon = this.byAccount.get(accountId);
    if (!amazon) throw new ChannelUnavailableError('ChannelAccountNotConfigured', `no Amazon credentials for account ${accountId}`);
    let state;
    try {
      state = await amazon.readOrderShipments(orderId);
    } catch (error) {
      if (error instanceof SpApiError) throw new ChannelUnavailableError(error.code, amazonMessage(error));
      throw new ChannelUnavailableError('UnknownError', (error as Error).message ?? String(error));
    }
    if (!state) return { kind: 'order-unknown' };
    // Without the package dataset only the status speaks, and it cannot name a package.
    const found = (state.packages ?? []).find((p) => p.packageReferenceId === packageReferenceId);
    return found ? { kind: 'present', trackingNumber: found.trackingNumber } : { kind: 'absent' };
  }
}
