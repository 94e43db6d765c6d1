import { loadAmazonAccounts } from '@holdfast/channels-amazon';
import { Module } from '@nestjs/common';
import { loadPublisherSettings, PUBLISHER_SETTINGS, type PublisherSettings } from '../config/publisher.settings';
import { buildAmazonAccountChannels } from './amazon/amazon-channel-clients';
import { AmazonChannelPublisher } from './amazon/amazon-channel-publisher';
import { ChannelPublisherRegistry } from './application/channel-publisher.registry';
import { CHANNEL_PUBLISHERS, type ChannelPublisher } from './domain/channel-publisher';
import { buildWebShopPublishers } from './web-shop/web-shop-channels';

/**
 * The channel adapters this process publishes through. Amazon's accounts come from
 * AMAZON_ACCOUNTS(_FILE), Shopify shops from SHOPIFY_SHOPS(_FILE), WooCommerce stores from
 * WOOCOMMERCE_STORES(_FILE); each channel is one entry in CHANNEL_PUBLISHERS.
 */
@Module({
  providers: [
    { provide: PUBLISHER_SETTINGS, useFactory: () => loadPublisherSettings() },
    {
      provide: CHANNEL_PUBLISHERS,
      useFactory: (settings: PublisherSettings): ChannelPublisher[] => {
        const { limiter, channels } = buildAmazonAccountChannels(loadAmazonAccounts(), settings);
        const publishers = [new AmazonChannelPublisher(channels, limiter, settings), ...buildWebShopPublishers(settings)];
        // API keys are restricted by account id alone, so an id must name one account of one channel.
        const ids = publishers.flatMap((p) => p.accounts().map((a) => a.accountId));
        const twice = ids.find((id, i) => ids.indexOf(id) !== i);
        if (twice) throw new Error(`account id ${twice} is used twice (across Amazon accounts, Shopify shops and WooCommerce stores)`);
        return publishers;
      },
      inject: [PUBLISHER_SETTINGS],
    },
    ChannelPublisherRegistry,
  ],
  exports: [PUBLISHER_SETTINGS, CHANNEL_PUBLISHERS, ChannelPublisherRegistry],
})
export class ChannelsModule {}
