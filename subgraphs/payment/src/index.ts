import { runSubgraph } from '@shop/subgraph-kit';
import { payment } from './server';

runSubgraph(payment);
