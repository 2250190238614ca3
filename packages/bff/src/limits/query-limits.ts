import { queryLimitRules as armorRules } from '@shop/service-kit';
import type { BffLimits } from '../config';
import { literalValuesRule, operationResolutionPlugin } from './literal-values';

export { limitOf, type LimitName } from '@shop/service-kit';

/**
 * The limits of service-kit (depth, aliases, directives, cost, tokens: the subgraphs apply the same
 * ones) plus what only the BFF's edge refuses: literal values (Infinity, NUL) and operations that do
 * not resolve — one set of rules for HTTP and WebSocket. Nothing over a limit reaches a subgraph.
 */
export function queryLimitRules(limits: BffLimits, options: { hideSuggestions: boolean }) {
  const armor = armorRules(limits, options);
  return {
    ...armor,
    validationRules: [...armor.validationRules, literalValuesRule],
    plugins: [...armor.plugins, operationResolutionPlugin()],
  };
}
