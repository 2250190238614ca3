/**
 * What each GraphQL object's resolvers receive as their parent (codegen `mappers`): plain
 * objects of the domain, never database rows.
 */
import type { Money } from '@shop/service-kit/domain';
import type { Payment, TimelineEvent } from '../domain/payment';

/** An Order as the gateway represents it: its key. */
export interface OrderParent {
  id: string;
}

export type PaymentParent = Payment;

/** A timeline line and the currency of its payment. */
export type PaymentEventParent = TimelineEvent & { currencyCode: string };

export type MoneyParent = Money;
