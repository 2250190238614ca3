import { runSubgraph } from '@shop/subgraph-kit';
import { discount } from './server';

runSubgraph(discount);
