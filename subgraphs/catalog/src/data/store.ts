import { outboxOn, type Outbox } from '@shop/events';
import type { StoreOn } from '@shop/service-kit/database';
import { brandRepository, type BrandRepository } from './brand-repository';
import { categoryRepository, type CategoryRepository } from './category-repository';
import { productRepository, type ProductRepository } from './product-repository';
import { reservationRepository, type ReservationRepository } from './reservation-repository';

/** The catalog's repositories and outbox, all on one connection or one transaction. */
export interface CatalogStore {
  products: ProductRepository;
  brands: BrandRepository;
  categories: CategoryRepository;
  reservations: ReservationRepository;
  outbox: Outbox;
}

/** The catalog's store on `sql`: built per transaction, so it is only closures over `sql`. */
export const catalogStore: StoreOn<CatalogStore> = (sql) => ({
  products: productRepository(sql),
  brands: brandRepository(sql),
  categories: categoryRepository(sql),
  reservations: reservationRepository(sql),
  outbox: outboxOn(sql),
});
