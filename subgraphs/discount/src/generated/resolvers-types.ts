import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { CartParent, AppliedCouponParent, CouponParent, MoneyParent } from '../resolvers/mappers';
import type { DiscountContext } from '../context';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
export type MakeOptional<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]?: Maybe<T[SubKey]> };
export type MakeMaybe<T, K extends keyof T> = Omit<T, K> & { [SubKey in K]: Maybe<T[SubKey]> };
export type MakeEmpty<T extends { [key: string]: unknown }, K extends keyof T> = { [_ in K]?: never };
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /** An ISO-8601 date-time in UTC, e.g. "2026-11-24T10:00:00.000Z". */
  DateTime: { input: Date; output: Date; }
  /** An exact decimal amount, serialized as a string with two fraction digits, e.g. "19.99". */
  Decimal: { input: string; output: string; }
  _FieldSet: { input: any; output: any; }
};

/** The coupon applied to a cart, and whether it gives a discount right now. */
export type AppliedCoupon = {
  __typename?: 'AppliedCoupon';
  /** Whether the coupon gives a discount on the cart's current subtotal. */
  active: Scalars['Boolean']['output'];
  /** The coupon's code, upper-case. */
  code: Scalars['String']['output'];
  /** What the coupon offers, for the shopper. */
  description: Scalars['String']['output'];
  /** Why the coupon gives nothing right now (below its minimum, expired, fully redeemed); null when active. */
  inactiveReason: Maybe<Scalars['String']['output']>;
  /** PERCENTAGE or FIXED_AMOUNT. */
  kind: CouponKind;
  /** The smallest subtotal the coupon applies to, if any. */
  minSubtotal: Maybe<Money>;
  /** The last instant the coupon can be used, if it expires. */
  validUntil: Maybe<Scalars['DateTime']['output']>;
  /** The percentage (10.00 = 10 %) or the fixed amount, depending on kind. */
  value: Scalars['Decimal']['output'];
};

/**
 * A customer's cart, owned by the cart subgraph. Discount contributes the coupon applied to it and
 * the totals after discount, computed from the cart's subtotal (`@requires`), for the coupon applied
 * since its last checkout (`@requires` too).
 */
export type Cart = {
  __typename?: 'Cart';
  /**
   * The coupon applied to the cart, or null. A coupon stays applied when the subtotal falls below
   * its minimum (or it expires or runs out): it then gives no discount, with `active: false` and
   * `inactiveReason` saying why. Only the cart's owner or an admin may read it.
   */
  appliedCoupon: Maybe<AppliedCoupon>;
  /**
   * What the applied coupon takes off the subtotal: zero Money when no coupon applies.
   * Percentages are rounded half-up to the cent; fixed amounts are capped at the subtotal.
   */
  discount: Money;
  /** The cart's id, derived from its customer's id. */
  id: Scalars['ID']['output'];
  /**
   * When the cart was last checked out (resolved by the cart subgraph): the coupon applied before
   * it went with that order, the cart shows the one applied since.
   */
  lastCheckedOutAt: Maybe<Scalars['DateTime']['output']>;
  /** The sum of every line total, before any discount (resolved by the cart subgraph). */
  subtotal: Money;
  /** subtotal − discount, never below zero. */
  total: Money;
};

/** A coupon, as the back office sees it. */
export type Coupon = {
  __typename?: 'Coupon';
  /** The code shoppers type, upper-case (codes are case-insensitive). */
  code: Scalars['String']['output'];
  /** When the coupon was created. */
  createdAt: Scalars['DateTime']['output'];
  /** What the coupon offers, for the shopper. */
  description: Scalars['String']['output'];
  /** PERCENTAGE or FIXED_AMOUNT. */
  kind: CouponKind;
  /** How many orders may redeem the coupon; null means unlimited. */
  maxRedemptions: Maybe<Scalars['Int']['output']>;
  /** The smallest subtotal the coupon applies to, if any. */
  minSubtotal: Maybe<Money>;
  /** How many orders hold a redemption of it now (released redemptions are given back). */
  redemptions: Scalars['Int']['output'];
  /** The last instant the coupon can be used; null means it never expires. */
  validUntil: Maybe<Scalars['DateTime']['output']>;
  /** The percentage (10.00 = 10 %) or the fixed amount, depending on kind. */
  value: Scalars['Decimal']['output'];
};

/** The result of applyCoupon or removeCoupon. */
export type CouponCartPayload = {
  __typename?: 'CouponCartPayload';
  /**
   * The viewer's cart after the mutation, with every field of every subgraph (unchanged when
   * userErrors is not empty).
   */
  cart: Maybe<Cart>;
  /** What the shopper did wrong (COUPON_INVALID); empty on success. */
  userErrors: Array<UserError>;
};

/** How a coupon takes money off. */
export type CouponKind =
  /** A fixed amount, capped at the subtotal (a total never goes below zero). */
  | 'FIXED_AMOUNT'
  /** A percentage of the subtotal, rounded half-up to the cent. */
  | 'PERCENTAGE';

/** The result of createCoupon. */
export type CouponPayload = {
  __typename?: 'CouponPayload';
  /** The new coupon; null when userErrors is not empty. */
  coupon: Maybe<Coupon>;
  /** What the admin did wrong (COUPON_CODE_TAKEN, BAD_INPUT); empty on success. */
  userErrors: Array<UserError>;
};

/** A new coupon. Codes are stored upper-case and must be unique, case-insensitively. */
export type CreateCouponInput = {
  /** 2 to 32 letters, digits, "-" or "_". */
  code: Scalars['String']['input'];
  /** What the coupon offers, for the shopper (1 to 200 characters). */
  description: Scalars['String']['input'];
  /** PERCENTAGE or FIXED_AMOUNT. */
  kind: CouponKind;
  /** How many orders may redeem it (1 or more); omitted means unlimited. */
  maxRedemptions?: InputMaybe<Scalars['Int']['input']>;
  /** The smallest subtotal the coupon applies to (0.00 or more); omitted means no minimum. */
  minSubtotal?: InputMaybe<Scalars['Decimal']['input']>;
  /** The last instant it can be used, in the future; omitted means it never expires. */
  validUntil?: InputMaybe<Scalars['DateTime']['input']>;
  /** A percentage more than 0 and at most 100, or an amount more than 0.00. */
  value: Scalars['Decimal']['input'];
};

/** An amount of money in one currency. Amounts are exact decimals, never floats. */
export type Money = {
  __typename?: 'Money';
  /** The amount, a decimal string with two fraction digits ("19.99"). */
  amount: Scalars['Decimal']['output'];
  /** ISO 4217 currency code, e.g. "EUR". */
  currencyCode: Scalars['String']['output'];
};

export type Mutation = {
  __typename?: 'Mutation';
  /**
   * Applies a coupon to the viewer's cart, replacing any coupon applied before. Unknown, expired,
   * fully redeemed, or the cart's subtotal below the coupon's minimum → userError COUPON_INVALID,
   * and the cart keeps the coupon it had. Codes are case-insensitive. Anonymous → UNAUTHENTICATED.
   */
  applyCoupon: CouponCartPayload;
  /**
   * Creates a coupon. Admin only (customer → FORBIDDEN, anonymous → UNAUTHENTICATED). A code that
   * exists in any case → COUPON_CODE_TAKEN; a bad value → BAD_INPUT naming the field.
   */
  createCoupon: CouponPayload;
  /** Removes the coupon applied to the viewer's cart (no coupon: nothing changes). Anonymous → UNAUTHENTICATED. */
  removeCoupon: CouponCartPayload;
};


export type MutationApplyCouponArgs = {
  code: Scalars['String']['input'];
};


export type MutationCreateCouponArgs = {
  input: CreateCouponInput;
};

export type Query = {
  __typename?: 'Query';
  /** A coupon by code, case-insensitively; null when there is none. Admin only. */
  coupon: Maybe<Coupon>;
};


export type QueryCouponArgs = {
  code: Scalars['String']['input'];
};

/** Something the shopper did wrong; the mutation changed nothing. */
export type UserError = {
  __typename?: 'UserError';
  /** Machine-readable code, e.g. INVALID_QUANTITY, PRODUCT_NOT_FOUND, CART_EMPTY. */
  code: Scalars['String']['output'];
  /** The argument at fault, when there is one. */
  field: Maybe<Scalars['String']['output']>;
  /** A sentence for the shopper. */
  message: Scalars['String']['output'];
};



export type ResolverTypeWrapper<T> = Promise<T> | T;

export type ReferenceResolver<TResult, TReference, TContext> = (
      reference: TReference,
      context: TContext,
      info: GraphQLResolveInfo
    ) => Promise<TResult> | TResult;

      type ScalarCheck<T, S> = S extends true ? T : NullableCheck<T, S>;
      type NullableCheck<T, S> = Maybe<T> extends T ? Maybe<ListCheck<NonNullable<T>, S>> : ListCheck<T, S>;
      type ListCheck<T, S> = T extends (infer U)[] ? NullableCheck<U, S>[] : GraphQLRecursivePick<T, S>;
      export type GraphQLRecursivePick<T, S> = { [K in keyof T & keyof S]: ScalarCheck<T[K], S[K]> };
    

export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

/** Mapping of federation types */
export type FederationTypes = {
  Cart: Cart;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Cart:
    ( { __typename: 'Cart' }
    & GraphQLRecursivePick<FederationTypes['Cart'], {"id":true}>
    & ( Record<PropertyKey, never>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}>
        | GraphQLRecursivePick<FederationTypes['Cart'], {"subtotal":{"amount":true,"currencyCode":true},"lastCheckedOutAt":true}> ) );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  AppliedCoupon: ResolverTypeWrapper<AppliedCouponParent>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Cart: ResolverTypeWrapper<CartParent>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Coupon: ResolverTypeWrapper<CouponParent>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  CouponCartPayload: ResolverTypeWrapper<Omit<CouponCartPayload, 'cart'> & { cart?: Maybe<ResolversTypes['Cart']> }>;
  CouponKind: CouponKind;
  CouponPayload: ResolverTypeWrapper<Omit<CouponPayload, 'coupon'> & { coupon?: Maybe<ResolversTypes['Coupon']> }>;
  CreateCouponInput: CreateCouponInput;
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  Money: ResolverTypeWrapper<MoneyParent>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  UserError: ResolverTypeWrapper<UserError>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AppliedCoupon: AppliedCouponParent;
  Boolean: Scalars['Boolean']['output'];
  String: Scalars['String']['output'];
  Cart: CartParent;
  ID: Scalars['ID']['output'];
  Coupon: CouponParent;
  Int: Scalars['Int']['output'];
  CouponCartPayload: Omit<CouponCartPayload, 'cart'> & { cart?: Maybe<ResolversParentTypes['Cart']> };
  CouponPayload: Omit<CouponPayload, 'coupon'> & { coupon?: Maybe<ResolversParentTypes['Coupon']> };
  CreateCouponInput: CreateCouponInput;
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  Money: MoneyParent;
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  UserError: UserError;
};

export type AppliedCouponResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['AppliedCoupon'] = ResolversParentTypes['AppliedCoupon']> = {
  active?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  inactiveReason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['CouponKind'], ParentType, ContextType>;
  minSubtotal?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  validUntil?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
};

export type CartResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['Cart'] = ResolversParentTypes['Cart'], FederationReferenceType extends FederationReferenceTypes['Cart'] = FederationReferenceTypes['Cart']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Cart']> | FederationReferenceType, FederationReferenceType, ContextType>;
  appliedCoupon?: Resolver<Maybe<ResolversTypes['AppliedCoupon']>, ParentType, ContextType>;
  discount?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  total?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
};

export type CouponResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['Coupon'] = ResolversParentTypes['Coupon']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  createdAt?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['CouponKind'], ParentType, ContextType>;
  maxRedemptions?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  minSubtotal?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  redemptions?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  validUntil?: Resolver<Maybe<ResolversTypes['DateTime']>, ParentType, ContextType>;
  value?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
};

export type CouponCartPayloadResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['CouponCartPayload'] = ResolversParentTypes['CouponCartPayload']> = {
  cart?: Resolver<Maybe<ResolversTypes['Cart']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type CouponPayloadResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['CouponPayload'] = ResolversParentTypes['CouponPayload']> = {
  coupon?: Resolver<Maybe<ResolversTypes['Coupon']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type MoneyResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  applyCoupon?: Resolver<ResolversTypes['CouponCartPayload'], ParentType, ContextType, RequireFields<MutationApplyCouponArgs, 'code'>>;
  createCoupon?: Resolver<ResolversTypes['CouponPayload'], ParentType, ContextType, RequireFields<MutationCreateCouponArgs, 'input'>>;
  removeCoupon?: Resolver<ResolversTypes['CouponCartPayload'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  coupon?: Resolver<Maybe<ResolversTypes['Coupon']>, ParentType, ContextType, RequireFields<QueryCouponArgs, 'code'>>;
};

export type UserErrorResolvers<ContextType = DiscountContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = DiscountContext> = {
  AppliedCoupon?: AppliedCouponResolvers<ContextType>;
  Cart?: CartResolvers<ContextType>;
  Coupon?: CouponResolvers<ContextType>;
  CouponCartPayload?: CouponCartPayloadResolvers<ContextType>;
  CouponPayload?: CouponPayloadResolvers<ContextType>;
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
};

