import { ApolloArmor } from '@escape.tech/graphql-armor';
import { GraphQLError, type ValidationContext, type ValidationRule } from 'graphql';

/** Limits every document is checked against before it runs (the BFFs' and the subgraphs' alike). */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** graphql-armor cost: objects 2, scalars 1, times 1.5 per level of depth */
  maxCost: number;
  /** lexer tokens of one document */
  maxTokens: number;
}

/** Which limit a refused document broke; carried in `extensions.limit`. */
export type LimitName = 'depth' | 'aliases' | 'directives' | 'cost' | 'tokens';

const refuse = (limit: LimitName) => (ctx: ValidationContext | null, error: GraphQLError) => {
  ctx?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, ''), { extensions: { limit } }));
};

/**
 * graphql-armor's depth, alias, directive and cost rules as validation rules: a document over a
 * limit fails validation, its error naming the limit. Introspection is exempt from depth and cost
 * (the explorers' introspection query is deep by nature). The token limit is graphql-js's own
 * parser option (see `parseOptions`).
 */
export function queryLimitRules(limits: QueryLimits, { hideSuggestions }: { hideSuggestions: boolean }) {
  const common = { exposeLimits: true, propagateOnRejection: false };
  const armor = new ApolloArmor({
    maxDepth: { ...common, n: limits.maxDepth, ignoreIntrospection: true, flattenFragments: true, onReject: [refuse('depth')] },
    // armor lets `__typename` aliases through by default; a thousand of them are still a thousand
    maxAliases: { ...common, n: limits.maxAliases, allowList: [], onReject: [refuse('aliases')] },
    maxDirectives: { ...common, n: limits.maxDirectives, onReject: [refuse('directives')] },
    costLimit: { ...common, maxCost: limits.maxCost, ignoreIntrospection: true, onReject: [refuse('cost')] },
    maxTokens: { enabled: false },
    // "Did you mean …?" tells a stranger the schema when introspection is off
    blockFieldSuggestion: { enabled: hideSuggestions },
  }).protect();
  return {
    validationRules: armor.validationRules as ValidationRule[],
    plugins: armor.plugins,
    parseOptions: { maxTokens: limits.maxTokens },
  };
}

// graphql 16 spells it "more that"
const TOKENS_MESSAGE = /Document contains more tha[nt] (\d+) tokens/;

/** The limit an error reports, if it is a limit error (validation rule or the parser's token limit). */
export function limitOf(error: { message: string; extensions?: Record<string, unknown> }): LimitName | undefined {
  const limit = error.extensions?.limit;
  if (typeof limit === 'string') return limit as LimitName;
  return TOKENS_MESSAGE.test(error.message) ? 'tokens' : undefined;
}
