import type { Channel } from '@holdfast/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { CHANNEL_PUBLISHERS, type ChannelAccountDescriptor, type ChannelPublisher } from '../domain/channel-publisher';

/** The channel adapters of this process and their accounts. */
@Injectable()
export class ChannelPublisherRegistry {
  constructor(@Inject(CHANNEL_PUBLISHERS) private readonly publishers: ChannelPublisher[]) {}

  all(): ChannelPublisher[] {
    return this.publishers;
  }

  publisher(channel: string): ChannelPublisher | undefined {
    return this.publishers.find((p) => p.channel === channel);
  }

  account(channel: string, accountId: string): ChannelAccountDescriptor | undefined {
    return this.publisher(channel)
      ?.accounts()
      .find((a) => a.accountId === accountId);
  }

  accounts(): ChannelAccountDescriptor[] {
    return this.publishers.flatMap((p) => p.accounts());
  }

  channels(): Channel[] {
    return this.publishers.map((p) => p.channel);
  }
}
