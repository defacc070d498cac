/** The app's one queue of card impressions (flows/impressions.ts), sent with `catalog.impressions`. */
import { ImpressionQueue } from '../flows/impressions';
import { call } from './call';

export const impressions = new ImpressionQueue({
  send: (items) => call('catalog', { action: 'impressions', items }),
  later: (flush, ms) => setTimeout(flush, ms),
});
