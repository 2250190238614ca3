import type { RequestContext } from '@shop/service-kit';

/** What every BFF operation knows: the verified viewer, ids to forward, and who is rate limited. */
export interface BffContext extends RequestContext {
  /** rate-limit key: `sub:<token subject>` or `ip:<address>` */
  clientKey: string;
}
