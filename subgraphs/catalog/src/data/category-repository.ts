import type { Sql } from '@shop/service-kit/database';
import { facetRepository, type FacetRecord, type FacetRepository } from './facet-repository';

export type CategoryRecord = FacetRecord;
/** The categories table. */
export type CategoryRepository = FacetRepository;

export const categoryRepository = (sql: Sql): CategoryRepository => facetRepository(sql, { table: 'categories', productColumn: 'category_id' });
