import type { PaymentRecord } from '../data/payment-repository';
import { pageSize } from '../domain/payment';
import type { PaymentDeps } from './deps';

/** The newest payments first; `first` is held to 1..100. */
export const listPayments = (deps: PaymentDeps, first: number): Promise<PaymentRecord[]> => deps.data.store.payments.newest(pageSize(first));
