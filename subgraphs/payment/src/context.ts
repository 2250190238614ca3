import type { SubgraphContext } from '@shop/subgraph-kit';
import type { PaymentLoaders } from './loaders';
import type { PaymentDeps } from './use-cases/deps';

/** What every payment resolver gets: the request (viewer, ids, logger), its loaders, the use-cases' deps. */
export type PaymentContext = SubgraphContext<PaymentLoaders, PaymentDeps>;
