import { runSubgraph } from '@shop/subgraph-kit';
import { cart } from './server';

runSubgraph(cart);
