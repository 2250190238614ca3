/**
 * What the catalog refuses, as DomainErrors whose code is a CatalogErrorCode or the shared
 * ErrorCode.BadInput. The resolvers turn them into userErrors; clients see the enum's values.
 */
import { DomainError, ErrorCode } from '@shop/service-kit/domain';

export enum CatalogErrorCode {
  SkuTaken = 'SKU_TAKEN',
  ProductNotFound = 'PRODUCT_NOT_FOUND',
}

export const badInput = (message: string, field: string) => new DomainError(ErrorCode.BadInput, message, field);

export const skuTaken = (sku: string) => new DomainError(CatalogErrorCode.SkuTaken, `SKU ${sku} is already taken`, 'input.sku');

export const productNotFound = (productId: string) =>
  new DomainError(CatalogErrorCode.ProductNotFound, `No product with id ${productId}`, 'productId');
