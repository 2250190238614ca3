import type { Envelope } from '@shop/events';
import { ErrorCode, isAdmin, type Viewer } from '@shop/service-kit';
import {
  GraphQLError,
  Kind,
  getOperationAST,
  valueFromASTUntyped,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { Mailbox } from './mailbox';
import type { OrderFeed } from './order-feed';

export type OrderStatus = 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED' | 'SHIPPED';

/** The status each order event announces; the reason travels in rejected/cancelled events. */
const STATUS_OF_EVENT: Record<string, OrderStatus> = {
  OrderPlaced: 'PENDING',
  OrderConfirmed: 'CONFIRMED',
  OrderRejected: 'REJECTED',
  OrderCancelled: 'CANCELLED',
  OrderShipped: 'SHIPPED',
};
/** Statuses only move forward; a lower rank arriving late is history, not news. */
const RANK: Record<OrderStatus, number> = { PENDING: 0, CONFIRMED: 1, REJECTED: 2, CANCELLED: 2, SHIPPED: 2 };
const FINAL = new Set<OrderStatus>(['REJECTED', 'CANCELLED', 'SHIPPED']);

/** Internal alias added to the resolving query to read the status without touching the client's selection. */
const STATUS_PROBE = '__bffOrderStatus';

export const orderNotFound = () =>
  new GraphQLError('Order not found', { extensions: { code: ErrorCode.NotFound } });

export interface OrderQuery {
  /** `query { <key>: order(id: …) { <the subscriber's selection> } }`, fragments kept */
  document: DocumentNode;
  /** where the order sits in the data (the subscription field's response key) */
  responseKey: string;
  /** the order being followed */
  orderId: string;
  /** top-level response keys of `status` / `statusReason` in the subscriber's selection */
  statusKeys: string[];
  reasonKeys: string[];
}

function topLevelKeys(set: SelectionSetNode, fieldName: string, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): string[] {
  return set.selections.flatMap((s) => {
    if (s.kind === Kind.FIELD) return s.name.value === fieldName ? [s.alias?.value ?? s.name.value] : [];
    if (s.kind === Kind.INLINE_FRAGMENT) return topLevelKeys(s.selectionSet, fieldName, fragments, seen);
    const fragment = fragments.get(s.name.value);
    if (!fragment || seen.has(s.name.value)) return [];
    return topLevelKeys(fragment.selectionSet, fieldName, fragments, new Set([...seen, s.name.value]));
  });
}

/**
 * Turns a validated `subscription { orderUpdated(orderId: …) { … } }` into the query that resolves
 * one update through the gateway: the same selection on `order(id:)`, under the same response key,
 * so a pushed payload is exactly what that query answers at that moment.
 */
export function orderQueryFor(document: DocumentNode, operationName: string | undefined | null, variables: Record<string, unknown>): OrderQuery | GraphQLError {
  const operation = getOperationAST(document, operationName);
  const badRequest = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } });
  if (!operation || operation.operation !== 'subscription') return badRequest('Expected a subscription operation (queries and mutations go over HTTP)');
  const [root] = operation.selectionSet.selections;
  if (operation.selectionSet.selections.length !== 1 || root.kind !== Kind.FIELD || root.name.value !== 'orderUpdated' || !root.selectionSet) {
    return badRequest('Select orderUpdated directly (one field, no fragment at the root)');
  }
  const idArgument = root.arguments?.find((a) => a.name.value === 'orderId');
  const orderId = idArgument ? valueFromASTUntyped(idArgument.value, variables) : undefined;
  if (typeof orderId !== 'string' || orderId === '') return new GraphQLError('orderId must be a non-empty ID', { extensions: { code: ErrorCode.BadUserInput } });

  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const probe: FieldNode = { kind: Kind.FIELD, alias: { kind: Kind.NAME, value: STATUS_PROBE }, name: { kind: Kind.NAME, value: 'status' } };
  const orderField: FieldNode = {
    ...root,
    alias: { kind: Kind.NAME, value: root.alias?.value ?? 'orderUpdated' },
    name: { kind: Kind.NAME, value: 'order' },
    arguments: root.arguments?.map((a) => (a === idArgument ? { ...a, name: { kind: Kind.NAME, value: 'id' } } : a)),
    selectionSet: { ...root.selectionSet, selections: [...root.selectionSet.selections, probe] },
  };
  const query: OperationDefinitionNode = { ...operation, operation: 'query' as OperationDefinitionNode['operation'], selectionSet: { kind: Kind.SELECTION_SET, selections: [orderField] } };
  return {
    document: { kind: Kind.DOCUMENT, definitions: [query, ...fragments.values()] },
    responseKey: root.alias?.value ?? 'orderUpdated',
    orderId,
    statusKeys: topLevelKeys(root.selectionSet, 'status', fragments),
    reasonKeys: topLevelKeys(root.selectionSet, 'statusReason', fragments),
  };
}

export interface OrderUpdatesOptions {
  query: OrderQuery;
  viewer: Viewer;
  feed: OrderFeed;
  /** runs the order query through the gateway as the subscriber */
  resolve: () => Promise<ExecutionResult>;
  /** how long an order not visible yet (a checkout just accepted) is waited for */
  pendingOrderGraceMs: number;
  /** events buffered for a slow subscriber before it is dropped */
  mailboxSize?: number;
  /** called once the subscriber is authorized (owner or admin) */
  onAuthorized?: () => void;
}

type OrderData = Record<string, unknown> & { [STATUS_PROBE]?: string };

/**
 * One subscriber's stream: the order's current state first (when the subscriber may see it), then
 * one payload per later status change, in order, each resolved through the gateway with the
 * subscriber's token; it completes after a final status. Someone who may not see the order gets
 * NOT_FOUND, exactly like for an order that does not exist.
 */
export function orderUpdates(options: OrderUpdatesOptions): AsyncIterableIterator<ExecutionResult> {
  const mailbox = new Mailbox<Envelope>(options.mailboxSize ?? 32);
  const updates = followOrder(options, mailbox);
  // An async generator only honours return() at a yield; one waiting for the next event would
  // never end. Closing the mailbox first wakes it, so an unsubscribe or a closed socket ends it now.
  return {
    next: () => updates.next(),
    return: (value?: unknown) => {
      mailbox.close();
      return updates.return(value as never);
    },
    throw: (error?: unknown) => {
      mailbox.close();
      return updates.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

async function* followOrder(options: OrderUpdatesOptions, mailbox: Mailbox<Envelope>): AsyncGenerator<ExecutionResult> {
  const { query, viewer, feed } = options;
  // watch before the first read, so nothing that happens in between is missed
  const unwatch = feed.watch(query.orderId, (envelope) => mailbox.push(envelope));
  let lastRank = -1;
  let lastSequence = -1;

  const orderIn = (result: ExecutionResult): OrderData | null | undefined => (result.data?.[query.responseKey] as OrderData | null | undefined);
  const present = (result: ExecutionResult, announced?: { status: OrderStatus; reason: string | null }): ExecutionResult => {
    const order = orderIn(result);
    if (!order) return result;
    const { [STATUS_PROBE]: _probe, ...visible } = order;
    if (announced) {
      for (const key of query.statusKeys) visible[key] = announced.status;
      for (const key of query.reasonKeys) visible[key] = announced.reason;
    }
    return { ...result, data: { ...result.data, [query.responseKey]: visible } };
  };
  /** the read side may trail the event by a moment: a few short retries before giving up on one update */
  const resolveVisible = async (): Promise<ExecutionResult> => {
    let result = await options.resolve();
    for (const delay of [25, 100, 250]) {
      if (orderIn(result) || result.errors?.length) return result;
      await new Promise((r) => setTimeout(r, delay));
      result = await options.resolve();
    }
    return result;
  };

  try {
    const first = await options.resolve();
    const current = orderIn(first);
    const unexpected = first.errors?.filter((e) => !['NOT_FOUND', 'FORBIDDEN'].includes(String(e.extensions?.code)));
    if (!current && unexpected?.length) throw unexpected[0];
    let authorized = Boolean(current);
    if (current) {
      options.onAuthorized?.();
      const status = current[STATUS_PROBE] as OrderStatus | undefined;
      yield present(first);
      if (status) lastRank = RANK[status];
      if (status && FINAL.has(status)) return;
    }
    const deadline = Date.now() + options.pendingOrderGraceMs;
    for (;;) {
      const envelope = await mailbox.next(authorized ? undefined : deadline - Date.now());
      if (mailbox.isClosed) return; // unsubscribed
      if (mailbox.overflowed) throw new GraphQLError('Subscriber too slow: updates were dropped; subscribe again', { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } });
      if (!envelope) {
        if (!authorized) throw orderNotFound();
        return;
      }
      if (!authorized) {
        const owner = (envelope.data as { customerId?: unknown }).customerId;
        if (owner !== viewer.sub && !isAdmin(viewer)) throw orderNotFound();
        authorized = true;
        options.onAuthorized?.();
      }
      const status = STATUS_OF_EVENT[envelope.type];
      if (!status) continue; // an order fact that is not a status change
      if (envelope.sequence !== null && envelope.sequence <= lastSequence) continue;
      if (RANK[status] <= lastRank) continue;
      const reason = (envelope.data as { reason?: unknown }).reason;
      const result = await resolveVisible();
      if (!orderIn(result) && !result.errors?.length) continue;
      yield present(result, { status, reason: typeof reason === 'string' ? reason : null });
      lastRank = RANK[status];
      if (envelope.sequence !== null) lastSequence = envelope.sequence;
      if (FINAL.has(status)) return;
    }
  } finally {
    unwatch();
    mailbox.close();
  }
}
