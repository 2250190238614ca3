import type { BffPlugin } from '../plugin';
import { cors } from './cors';
import { deduplication } from './deduplication';
import { entityCache } from './entity-cache';
import { orderUpdates } from './order-updates';
import { queryLimits } from './query-limits';
import { rateLimits } from './rate-limits';
import { responseCache } from './response-cache';
import { trustedDocuments } from './trusted-documents';

export { cors, deduplication, entityCache, orderUpdates, queryLimits, rateLimits, responseCache, trustedDocuments };

/**
 * Every plugin, each on as far as its settings say: what `startBff` uses when given no list
 * (tests, the bench). The gateways list their own (gateways/<name>/src/server.ts).
 */
export function everyBffPlugin(): BffPlugin[] {
  return [queryLimits(), trustedDocuments(), cors(), rateLimits(), responseCache(), entityCache(), deduplication(), orderUpdates()];
}
