import { Public } from '@holdfast/platform';
import { Controller, HttpCode, Inject, Param, Post, Req, type RawBodyRequest } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { ReceiveShopWebhookUseCase, type WebhookReceipt } from '../application/receive-shop-webhook.use-case';

/**
 * The web shops' webhooks. Public to the API-key guard on purpose: a shop cannot send an API
 * key, it signs the body instead (HMAC-SHA256 with the shop's webhook secret), and the signature
 * is verified over the raw bytes before anything is read or stored; a missing or wrong one is
 * 401 with nothing changed. One URL per shop account, so each is verified with its own secrets.
 */
@ApiTags('web shop webhooks')
@Controller('v1/webhooks')
@Public()
export class ShopWebhooksHttpController {
  constructor(@Inject(ReceiveShopWebhookUseCase) private readonly receive: ReceiveShopWebhookUseCase) {}

  @Post('shopify/:accountId')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Shopify orders/* webhooks of one shop (authenticated by X-Shopify-Hmac-Sha256, not by API key)',
    description:
      'orders/create, orders/updated, orders/cancelled (and orders/paid, fulfilled, edited) become order.* events; other topics are acknowledged and ignored. A delivery seen before (X-Shopify-Webhook-Id) changes nothing.',
  })
  @ApiParam({ name: 'accountId', description: 'The shop account id (by default its myshopify.com domain).' })
  shopify(
    @Param('accountId') accountId: string,
    @Req() request: RawBodyRequest<Request>,
  ): Promise<WebhookReceipt> {
    return this.receive.execute('shopify', accountId, rawBodyOf(request), request.headers);
  }

  @Post('woocommerce/:accountId')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'WooCommerce order.* webhooks of one store (authenticated by X-WC-Webhook-Signature, not by API key)',
    description:
      'order.created and order.updated become order.* events; the unsigned ping WooCommerce sends when a webhook is saved is answered 200 and changes nothing. A delivery seen before (X-WC-Webhook-Delivery-ID) changes nothing.',
  })
  @ApiParam({ name: 'accountId', description: 'The store account id as configured in WOOCOMMERCE_STORES.' })
  woocommerce(
    @Param('accountId') accountId: string,
    @Req() request: RawBodyRequest<Request>,
  ): Promise<WebhookReceipt> {
    return this.receive.execute('woocommerce', accountId, rawBodyOf(request), request.headers);
  }
}

/** The bytes as sent (kept by the body parser); a body of another content type has none, and fails verification. */
function rawBodyOf(request: RawBodyRequest<Request>): Buffer {
  return request.rawBody ?? Buffer.alloc(0);
}
