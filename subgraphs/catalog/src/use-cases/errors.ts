import { DomainError, ErrorCode } from '@shop/service-kit/domain';

export const productNotFound = (productId: string) =>
  new DomainError(ErrorCode.ProductNotFound, `No product with id ${productId}`, 'productId');
