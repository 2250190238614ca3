/**
 * What the soak's admin does with orders once their shoppers saw them CONFIRMED, through the same
 * faults: ships a share (a paid order is captured and becomes SHIPPED only then; a failed capture
 * is shipped again, as the back office says), refunds part of some shipped ones — some with their
 * idempotency key sent twice, some followed by a refund of more than is left, which must be
 * refused — and cancels others (a paid order's authorization is voided). Every request that meets
 * a fault is sent again as it was, with the same key.
 */
import type { DocumentNode } from 'graphql';
import { contractOperations } from '@shop/test-support';
import { toCents, formatCents, type Cents } from '@shop/service-kit/domain';
import type { ShopClient } from './clients';
import { untilAnswered, type AdminPlan } from './shoppers';

export interface AdminDocuments {
  ShipOrder: DocumentNode;
  RefundOrder: DocumentNode;
  CancelOrder: DocumentNode;
  OrderPayment: DocumentNode;
}

/** The contract's documents: the back office's ShipOrder and RefundOrder, the storefront's CancelOrder and OrderPayment (admins may read any order's). */
export function adminDocuments(): AdminDocuments {
  const admin = contractOperations('admin');
  const store = contractOperations('storefront');
  const documents = { ShipOrder: admin.ShipOrder, RefundOrder: admin.RefundOrder, CancelOrder: store.CancelOrder, OrderPayment: store.OrderPayment };
  for (const [name, document] of Object.entries(documents)) if (!document) throw new Error(`the contract has no ${name} operation`);
  return documents;
}

/** A refund the admin asked for under `key`, and every answer it got (`ok`, or a userError code). */
export interface RefundAsked {
  key: string;
  amount: Cents;
  answers: string[];
}

export interface AdminOutcome {
  orderId: string;
  plan: AdminPlan;
  /** ShipOrder requests that were answered (a failed capture is shipped again) */
  shipments: number;
  /** the order's status when the admin was done with it */
  status?: string;
  statusReason?: string | null;
  refunds: RefundAsked[];
  /** the answer to a refund of more than is left (must be REFUND_EXCEEDS_CAPTURE) */
  beyond?: string;
  /** the answer to CancelOrder (`ok` or a userError code) */
  cancel?: string;
  failure?: string;
  retries: number;
  faults: Record<string, number>;
}

export interface AdminOptions {
  documents: AdminDocuments;
  requestDeadlineMs: number;
  /** how long a shipment may take to be captured */
  settleDeadlineMs: number;
}

interface OrderPaymentData {
  order: {
    id: string;
    status: string;
    statusReason: string | null;
    total: { amount: string };
    payment: { status: string; captured: { amount: string }; refunded: { amount: string }; events: { kind: string }[] } | null;
  } | null;
}
interface PayloadData {
  [field: string]: { order: { id: string; status?: string } | null; userErrors: { code: string; message: string }[] } | undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** the shipments a failed capture may be shipped again */
const MAX_SHIPMENTS = 5;
/** a partial refund: this share of the total */
const REFUND_SHARE = 0.3;

const answerOf = (data: PayloadData): string => {
  const payload = Object.values(data)[0];
  return payload?.userErrors.length ? payload.userErrors.map((e) => e.code).join(',') : 'ok';
};

async function readOrder(client: ShopClient, orderId: string, outcome: AdminOutcome, options: AdminOptions): Promise<NonNullable<OrderPaymentData['order']>> {
  const { order } = await untilAnswered<OrderPaymentData>(client, options.documents.OrderPayment, { id: orderId }, outcome, options.requestDeadlineMs);
  if (!order) throw new Error(`order ${orderId} not found`);
  return order;
}

/** Ships until SHIPPED: after each ShipOrder, waits for the capture's outcome (a new CAPTURE_FAILED event: ship again). */
async function ship(client: ShopClient, orderId: string, outcome: AdminOutcome, options: AdminOptions): Promise<NonNullable<OrderPaymentData['order']>> {
  let order = await readOrder(client, orderId, outcome, options);
  while (outcome.shipments < MAX_SHIPMENTS) {
    const failedBefore = order.payment?.events.filter((e) => e.kind === 'CAPTURE_FAILED').length ?? 0;
    const answer = answerOf(await untilAnswered<PayloadData>(client, options.documents.ShipOrder, { orderId }, outcome, options.requestDeadlineMs));
    outcome.shipments++;
    if (answer !== 'ok') throw new Error(`ShipOrder answered ${answer}`);
    const deadline = Date.now() + options.settleDeadlineMs;
    for (;;) {
      order = await readOrder(client, orderId, outcome, options);
      if (order.status !== 'CONFIRMED') return order;
      const failed = order.payment?.events.filter((e) => e.kind === 'CAPTURE_FAILED').length ?? 0;
      if (failed > failedBefore) break;
      if (Date.now() > deadline) throw new Error(`still CONFIRMED ${options.settleDeadlineMs} ms after ShipOrder (${order.statusReason ?? 'no reason'})`);
      await sleep(1_000);
    }
  }
  return order;
}

async function refund(client: ShopClient, orderId: string, key: string, amount: Cents, outcome: AdminOutcome, options: AdminOptions): Promise<string> {
  const data = await untilAnswered<PayloadData>(client, options.documents.RefundOrder, { orderId, amount: formatCents(amount), idempotencyKey: key, reason: 'soak' }, outcome, options.requestDeadlineMs);
  return answerOf(data);
}

/** Carries out `plan` on a CONFIRMED order; never throws (what went wrong is `failure`). */
export async function administer(client: ShopClient, orderId: string, plan: AdminPlan, refundKeyPrefix: string, options: AdminOptions): Promise<AdminOutcome> {
  const outcome: AdminOutcome = { orderId, plan, shipments: 0, refunds: [], retries: 0, faults: {} };
  try {
    if (plan.kind === 'cancel') {
      outcome.cancel = answerOf(await untilAnswered<PayloadData>(client, options.documents.CancelOrder, { orderId }, outcome, options.requestDeadlineMs));
    } else if (plan.kind === 'ship') {
      const shipped = await ship(client, orderId, outcome, options);
      if (plan.refund && shipped.status === 'SHIPPED' && shipped.payment) {
        const total = toCents(shipped.total.amount);
        const asked: RefundAsked = { key: `${refundKeyPrefix}-part`, amount: Math.max(1, Math.round(total * REFUND_SHARE)), answers: [] };
        outcome.refunds.push(asked);
        asked.answers.push(await refund(client, orderId, asked.key, asked.amount, outcome, options));
        // the same key again (a double click, a retried tab): the same answer, refunded once
        if (plan.refund.twice) asked.answers.push(await refund(client, orderId, asked.key, asked.amount, outcome, options));
        // the whole total again: more than is left, refused
        if (plan.refund.beyond) outcome.beyond = await refund(client, orderId, `${refundKeyPrefix}-beyond`, total, outcome, options);
      }
    }
    const last = await readOrder(client, orderId, outcome, options);
    outcome.status = last.status;
    outcome.statusReason = last.statusReason;
  } catch (e) {
    outcome.failure = (e as Error).message;
  }
  return outcome;
}
