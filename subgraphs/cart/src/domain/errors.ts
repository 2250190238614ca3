/**
 * What the cart refuses, as DomainErrors whose code is a CartErrorCode or the shared
 * ErrorCode.BadInput. The resolvers turn them into userErrors; clients see the enum's values.
 */
export enum CartErrorCode {
  ProductNotFound = 'PRODUCT_NOT_FOUND',
  InvalidQuantity = 'INVALID_QUANTITY',
  CartEmpty = 'CART_EMPTY',
  CartFull = 'CART_FULL',
  PaymentInvalid = 'PAYMENT_INVALID',
}
