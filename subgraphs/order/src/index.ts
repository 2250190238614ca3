import { runSubgraph } from '@shop/subgraph-kit';
import { order } from './server';

runSubgraph(order);
