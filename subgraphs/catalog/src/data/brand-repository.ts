import type { Sql } from '@shop/service-kit/database';
import { facetRepository, type FacetRecord, type FacetRepository } from './facet-repository';

export type BrandRecord = FacetRecord;
/** The brands table. */
export type BrandRepository = FacetRepository;

export const brandRepository = (sql: Sql): BrandRepository => facetRepository(sql, { table: 'brands', productColumn: 'brand_id' });
