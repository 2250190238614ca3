import { runSubgraph } from '@shop/subgraph-kit';
import { catalog } from './server';

runSubgraph(catalog);
