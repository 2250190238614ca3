import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { OrderParent, PaymentParent, PaymentEventParent, MoneyParent } from '../resolvers/mappers';
import type { PaymentContext } from '../context';
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
   * Gives back part or all of a shipped order's captured payment. Admins only (others: FORBIDDEN).
   * `amount` > 0 and at most what was captured and not yet refunded, else the userError
   * REFUND_EXCEEDS_CAPTURE; the same `idempotencyKey` again refunds once and answers the same.
   * A refund the provider refuses is the userError REFUND_FAILED.
   */
  refundOrder: RefundOrderPayload;
};


export type MutationRefundOrderArgs = {
  amount: Scalars['Decimal']['input'];
  idempotencyKey: Scalars['ID']['input'];
  orderId: Scalars['ID']['input'];
  reason?: InputMaybe<Scalars['String']['input']>;
};

/** A customer's order, owned by the order subgraph. Payment contributes how it is paid. */
export type Order = {
  __typename?: 'Order';
  /** The order's id. */
  id: Scalars['ID']['output'];
  /**
   * The order's payment; null for orders placed without one, and for anyone but the order's customer
   * and admins. It exists from the moment the order asks for it (stock reserved and coupon settled):
   * until then it is null too.
   */
  payment: Maybe<Payment>;
};

/** An order's card payment: authorized when the order confirms, captured when it ships, refunded by admins. */
export type Payment = {
  __typename?: 'Payment';
  /** The live authorization: the order's total once authorized, zero before and after a void. */
  authorized: Money;
  /** Everything captured so far. */
  captured: Money;
  /** The payment's timeline, oldest first. */
  events: Array<PaymentEvent>;
  /** The card, as the provider describes it once it authorized (never the card number); null before. */
  method: Maybe<PaymentMethod>;
  /** Everything refunded so far (never more than captured). */
  refunded: Money;
  /**
   * Where the payment stands: PENDING → AUTHORIZED or DECLINED; AUTHORIZED → VOIDED or CAPTURED;
   * CAPTURED → PARTIALLY_REFUNDED → REFUNDED.
   */
  status: PaymentStatus;
};

/** One step of a payment's timeline. */
export type PaymentEvent = {
  __typename?: 'PaymentEvent';
  /** The money it moved, when it moved any. */
  amount: Maybe<Money>;
  /** When the payment learned of it. */
  at: Scalars['DateTime']['output'];
  /** What happened. */
  kind: PaymentEventKind;
  /** Why, when there is something to say (a decline's reason, a failed capture's, a refund's note). */
  reason: Maybe<Scalars['String']['output']>;
};

/** What happened to a payment. */
export type PaymentEventKind =
  | 'AUTHORIZED'
  | 'CAPTURED'
  | 'CAPTURE_FAILED'
  | 'DECLINED'
  | 'REFUNDED'
  | 'VOIDED';

/** The card a payment is made with, as the provider describes it. */
export type PaymentMethod = {
  __typename?: 'PaymentMethod';
  /** The card's brand, e.g. "visa". */
  brand: Scalars['String']['output'];
  /** The card number's last four digits. */
  last4: Scalars['String']['output'];
};

/** Where a payment stands. */
export type PaymentStatus =
  /** The order's total is held on the card. */
  | 'AUTHORIZED'
  /** The money was taken when the order shipped. */
  | 'CAPTURED'
  /** The provider refused the card; the order is rejected. */
  | 'DECLINED'
  /** Part of the captured money went back to the shopper. */
  | 'PARTIALLY_REFUNDED'
  /** Asked for; the provider has not answered yet. */
  | 'PENDING'
  /** All of the captured money went back to the shopper. */
  | 'REFUNDED'
  /** The authorization was released (the order was rejected or cancelled), or never made because the order closed first. */
  | 'VOIDED';

/** What `refundOrder` did: the order (its payment shows the refund once the provider made it), or why nothing was refunded. */
export type RefundOrderPayload = {
  __typename?: 'RefundOrderPayload';
  /** The order refunded (a reference: the order subgraph resolves its other fields). */
  order: Maybe<Order>;
  userErrors: Array<UserError>;
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
  Order: Order;
};

/** Mapping of federation reference types */
export type FederationReferenceTypes = {
  Order:
    ( { __typename: 'Order' }
    & GraphQLRecursivePick<FederationTypes['Order'], {"id":true}> );
};



/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  DateTime: ResolverTypeWrapper<Scalars['DateTime']['output']>;
  Decimal: ResolverTypeWrapper<Scalars['Decimal']['output']>;
  Money: ResolverTypeWrapper<MoneyParent>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Order: ResolverTypeWrapper<OrderParent>;
  Payment: ResolverTypeWrapper<PaymentParent>;
  PaymentEvent: ResolverTypeWrapper<PaymentEventParent>;
  PaymentEventKind: PaymentEventKind;
  PaymentMethod: ResolverTypeWrapper<PaymentMethod>;
  PaymentStatus: PaymentStatus;
  RefundOrderPayload: ResolverTypeWrapper<Omit<RefundOrderPayload, 'order'> & { order?: Maybe<ResolversTypes['Order']> }>;
  UserError: ResolverTypeWrapper<UserError>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  DateTime: Scalars['DateTime']['output'];
  Decimal: Scalars['Decimal']['output'];
  Money: MoneyParent;
  String: Scalars['String']['output'];
  Mutation: Record<PropertyKey, never>;
  ID: Scalars['ID']['output'];
  Order: OrderParent;
  Payment: PaymentParent;
  PaymentEvent: PaymentEventParent;
  PaymentMethod: PaymentMethod;
  RefundOrderPayload: Omit<RefundOrderPayload, 'order'> & { order?: Maybe<ResolversParentTypes['Order']> };
  UserError: UserError;
  Boolean: Scalars['Boolean']['output'];
};

export interface DateTimeScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['DateTime'], any> {
  name: 'DateTime';
}

export interface DecimalScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['Decimal'], any> {
  name: 'Decimal';
}

export type MoneyResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Money'] = ResolversParentTypes['Money']> = {
  amount?: Resolver<ResolversTypes['Decimal'], ParentType, ContextType>;
  currencyCode?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type MutationResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  refundOrder?: Resolver<ResolversTypes['RefundOrderPayload'], ParentType, ContextType, RequireFields<MutationRefundOrderArgs, 'amount' | 'idempotencyKey' | 'orderId'>>;
};

export type OrderResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Order'] = ResolversParentTypes['Order'], FederationReferenceType extends FederationReferenceTypes['Order'] = FederationReferenceTypes['Order']> = {
  __resolveReference?: ReferenceResolver<Maybe<ResolversTypes['Order']> | FederationReferenceType, FederationReferenceType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  payment?: Resolver<Maybe<ResolversTypes['Payment']>, ParentType, ContextType>;
};

export type PaymentResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['Payment'] = ResolversParentTypes['Payment']> = {
  authorized?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  captured?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  events?: Resolver<Array<ResolversTypes['PaymentEvent']>, ParentType, ContextType>;
  method?: Resolver<Maybe<ResolversTypes['PaymentMethod']>, ParentType, ContextType>;
  refunded?: Resolver<ResolversTypes['Money'], ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PaymentStatus'], ParentType, ContextType>;
};

export type PaymentEventResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['PaymentEvent'] = ResolversParentTypes['PaymentEvent']> = {
  amount?: Resolver<Maybe<ResolversTypes['Money']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['DateTime'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['PaymentEventKind'], ParentType, ContextType>;
  reason?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PaymentMethodResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['PaymentMethod'] = ResolversParentTypes['PaymentMethod']> = {
  brand?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  last4?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type RefundOrderPayloadResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['RefundOrderPayload'] = ResolversParentTypes['RefundOrderPayload']> = {
  order?: Resolver<Maybe<ResolversTypes['Order']>, ParentType, ContextType>;
  userErrors?: Resolver<Array<ResolversTypes['UserError']>, ParentType, ContextType>;
};

export type UserErrorResolvers<ContextType = PaymentContext, ParentType extends ResolversParentTypes['UserError'] = ResolversParentTypes['UserError']> = {
  code?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  field?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  message?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type Resolvers<ContextType = PaymentContext> = {
  DateTime?: GraphQLScalarType;
  Decimal?: GraphQLScalarType;
  Money?: MoneyResolvers<ContextType>;
  Mutation?: MutationResolvers<ContextType>;
  Order?: OrderResolvers<ContextType>;
  Payment?: PaymentResolvers<ContextType>;
  PaymentEvent?: PaymentEventResolvers<ContextType>;
  PaymentMethod?: PaymentMethodResolvers<ContextType>;
  RefundOrderPayload?: RefundOrderPayloadResolvers<ContextType>;
  UserError?: UserErrorResolvers<ContextType>;
};

