import { DomainError, ErrorCode } from '@shop/service-kit/errors';

export const productNotFound = (productId: string) =>
  new DomainError(ErrorCode.ProductNotFound, `No product with id ${productId}`, 'productId');
