/**
 * The four workloads, built from the storefront contract documents exactly as a storefront sends
 * them. Each request picks its own variables (and, for cart reads and writes, its own customer).
 */
import { print } from 'graphql';
import { contractOperations } from '../../e2e/support/contract-documents';

export const WORKLOADS = ['products', 'product', 'cart', 'mix'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

export interface BenchRequest {
  /** what kind of request this is, for the per-kind error counts */
  kind: 'products' | 'product' | 'cart' | 'addToCart';
  body: string;
  token?: string;
}

export interface WorkloadData {
  productIds: string[];
  customers: { token: string; productIds: string[] }[];
}

const storefront = contractOperations('storefront');
const text = (name: string) => print(storefront[name]);
export const DOCUMENTS = {
  products: text('Products'),
  product: text('Product'),
  cart: text('Cart'),
  addToCart: text('AddToCart'),
};

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];
const body = (query: string, operationName: string, variables: Record<string, unknown>) => JSON.stringify({ query, operationName, variables });

/** `first 50`, anonymous: one page of the catalog, the heaviest public read. */
const PRODUCTS_BODY = body(DOCUMENTS.products, 'Products', { first: 50 });
const SORTS = ['NAME_ASC', 'PRICE_ASC', 'PRICE_DESC', 'NEWEST'];

export function createWorkload(name: WorkloadName, data: WorkloadData): () => BenchRequest {
  const productsPage = (): BenchRequest => ({ kind: 'products', body: PRODUCTS_BODY });
  const browsePage = (): BenchRequest => ({ kind: 'products', body: body(DOCUMENTS.products, 'Products', { first: 20, sort: pick(SORTS) }) });
  const product = (): BenchRequest => ({ kind: 'product', body: body(DOCUMENTS.product, 'Product', { id: pick(data.productIds) }) });
  const cart = (): BenchRequest => ({ kind: 'cart', body: body(DOCUMENTS.cart, 'Cart', {}), token: pick(data.customers).token });
  // one more of a product already in the cart: the cart keeps its shape across rounds and gateways
  const addToCart = (): BenchRequest => {
    const customer = pick(data.customers);
    return { kind: 'addToCart', body: body(DOCUMENTS.addToCart, 'AddToCart', { productId: pick(customer.productIds), quantity: 1 }), token: customer.token };
  };
  switch (name) {
    case 'products':
      return productsPage;
    case 'product':
      return product;
    case 'cart':
      return cart;
    case 'mix':
      return () => {
        const r = Math.random();
        if (r < 0.35) return browsePage();
        if (r < 0.7) return product();
        if (r < 0.95) return cart();
        return addToCart();
      };
  }
}
