import type { ContractFilter } from './contract';
import { applyContract } from './contract';
import { withBffSubscriptions } from './subscriptions';

/**
 * The supergraph one BFF actually serves: the composed file, plus the subscriptions the BFF runs
 * itself, minus what its contract hides. Its API schema is what clients see.
 */
export function servedSupergraphSdl(supergraphSdl: string, contract?: ContractFilter): string {
  const withSubscriptions = withBffSubscriptions(supergraphSdl);
  return contract ? applyContract(withSubscriptions, contract) : withSubscriptions;
}
