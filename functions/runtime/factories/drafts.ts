import { DraftsService } from '../../services/drafts';
import type { ServiceFactory } from '../compose';
import type { MeasureText } from '../../domain/draft/social-counts';
import type { ChannelTextRules } from '../../domain/social/channel-rules';
import { LOCAL_RULES, textLength } from '../../domain/social/format-summary';
import { CHANNELS_BY_NAME, isKnownChannel } from '../../channels';
import { releasesService } from './releases';
import { deliveryService } from './delivery';

/**
 * Counts a text by the rules the channel registry declares for it (functions/channels/), the rules
 * each adapter formats and checks by; the local runner's own channel has its own.
 */
const measureByRegistry: MeasureText = (channel, text) => {
  const rules: ChannelTextRules | undefined = isKnownChannel(channel) ? CHANNELS_BY_NAME[channel].rules : channel === 'local' ? LOCAL_RULES : undefined;
  return rules && { length: textLength(text, rules), limit: rules.maxLength };
};

/**
 * Drafts over their store; previews and publishing go through the releases service and test sends
 * through the delivery service, built here from the same adapters (so a function declaring `drafts`
 * publishes exactly as the webhook's does).
 */
export const draftsService: ServiceFactory<'drafts'> = (adapters, settings) =>
  new DraftsService(
    {
      drafts: adapters.drafts,
      releases: releasesService(adapters, settings),
      delivery: deliveryService(adapters, settings),
      staff: adapters.staff,
      channels: adapters.channels,
      measure: measureByRegistry,
      clock: adapters.clock,
    },
    { publicUrl: settings.config.publicUrl },
  );
