import type { ApolloServerPlugin } from '@apollo/server';
import type { BffContext } from '../context';
import { pageSizePlugin } from '../limits/page-size';
import { queryLimitRules } from '../limits/query-limits';
import type { BffPlugin } from '../plugin';

/**
 * Depth, alias, directive, cost and token limits on every document (HTTP and subscriptions), the
 * page-size bounds on connection fields, and no field suggestions while introspection is off.
 */
export function queryLimits(): BffPlugin {
  return {
    name: 'query-limits',
    setup({ config }) {
      const limits = queryLimitRules(config.limits, { hideSuggestions: !config.introspection });
      return {
        apolloPlugins: [...(limits.plugins as ApolloServerPlugin<BffContext>[]), pageSizePlugin<BffContext>(config.limits)],
        documents: { validationRules: limits.validationRules, parseOptions: limits.parseOptions },
      };
    },
  };
}
