import { isFinalOrderStatus, isOrderStatus, orderStatusAnnouncedBy, orderStatusRank, type Envelope, type OrderStatus } from '@shop/events';
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
import type { OrderFeed, OrderFeedUpdate } from './order-feed';

// The statuses, their order and which event announces which are the order's: its event
// definitions (packages/events/src/definitions/order.ts) say so.
const RANK = orderStatusRank;

/** First and longest pause before an order that could not be read is read again. */
const READ_AGAIN_FIRST_MS = 250;
const READ_AGAIN_MAX_MS = 5_000;

/** Internal aliases added to the resolving query, read and removed before the payload goes out. */
const STATUS_PROBE = '__bffOrderStatus';
const HISTORY_PROBE = '__bffOrderHistory';

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
export function orderQueryFor(
  document: DocumentNode,
  operationName: string | undefined | null,
  variables: Record<string, unknown>,
  { withHistory }: { withHistory: boolean },
): OrderQuery | GraphQLError {
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
  const field = (alias: string, name: string, selections?: FieldNode[]): FieldNode => ({
    kind: Kind.FIELD,
    alias: { kind: Kind.NAME, value: alias },
    name: { kind: Kind.NAME, value: name },
    ...(selections ? { selectionSet: { kind: Kind.SELECTION_SET, selections } } : {}),
  });
  const probes = [field(STATUS_PROBE, 'status')];
  if (withHistory) probes.push(field(HISTORY_PROBE, 'history', [field('status', 'status'), field('reason', 'reason')]));
  const orderField: FieldNode = {
    ...root,
    alias: { kind: Kind.NAME, value: root.alias?.value ?? 'orderUpdated' },
    name: { kind: Kind.NAME, value: 'order' },
    arguments: root.arguments?.map((a) => (a === idArgument ? { ...a, name: { kind: Kind.NAME, value: 'id' } } : a)),
    selectionSet: { ...root.selectionSet, selections: [...root.selectionSet.selections, ...probes] },
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

type OrderData = Record<string, unknown> & { [STATUS_PROBE]?: string; [HISTORY_PROBE]?: { status: string; reason: string | null }[] };

/** A status to announce: from an event, from the order's history, or its current status. */
interface Announcement {
  status: OrderStatus;
  reason: string | null;
}

/**
 * What to push for one resolved state, oldest first: the history entries the subscriber has not
 * seen yet (a late subscriber gets the changes it missed), up to and including `announced`
 * (the event being handled) — or, without an event, up to the current status.
 */
function announcementsFor(order: OrderData, lastRank: number, announced?: Announcement): Announcement[] {
  const history = (order[HISTORY_PROBE] ?? []).flatMap((h) => (isOrderStatus(h.status) ? [{ status: h.status, reason: h.reason ?? null }] : []));
  const ceiling = announced ? RANK[announced.status] : Infinity;
  const missed = history.filter((h) => RANK[h.status] > lastRank && RANK[h.status] < ceiling);
  const unique = missed.filter((h, i) => missed.findIndex((o) => RANK[o.status] === RANK[h.status]) === i);
  if (announced) return [...unique, announced];
  const historyReachesNow = history.some((h) => RANK[h.status] > lastRank);
  const current = order[STATUS_PROBE];
  if (historyReachesNow || !isOrderStatus(current) || RANK[current] <= lastRank) return unique;
  return [...unique, { status: current, reason: null }];
}

/**
 * One subscriber's stream: the order's current state first (when the subscriber may see it), then
 * one payload per later status change, in order, each resolved through the gateway with the
 * subscriber's token; it completes after a final status. Someone who may not see the order gets
 * NOT_FOUND, exactly like for an order that does not exist.
 */
export function orderUpdates(options: OrderUpdatesOptions): AsyncIterableIterator<ExecutionResult> {
  const mailbox = new Mailbox<OrderFeedUpdate>(options.mailboxSize ?? 32);
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

async function* followOrder(options: OrderUpdatesOptions, mailbox: Mailbox<OrderFeedUpdate>): AsyncGenerator<ExecutionResult> {
  const { query, viewer, feed } = options;
  // watch before the first read, so nothing that happens in between is missed
  const unwatch = feed.watch(query.orderId, (update) => mailbox.push(update));
  let lastRank = -1;
  let lastSequence = -1;
  // An update whose order could not be read (the order subgraph or its database away) is not
  // announced as seen: the order is read again later, with a growing pause, until it answers.
  let retryDelayMs = READ_AGAIN_FIRST_MS;
  let retryTimer: NodeJS.Timeout | undefined;
  const readAgainLater = () => {
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      mailbox.push({ kind: 'gap' });
    }, retryDelayMs);
    retryTimer.unref();
    retryDelayMs = Math.min(retryDelayMs * 2, READ_AGAIN_MAX_MS);
  };

  const orderIn = (result: ExecutionResult): OrderData | null | undefined => (result.data?.[query.responseKey] as OrderData | null | undefined);
  const present = (result: ExecutionResult, announced?: Announcement): ExecutionResult => {
    const order = orderIn(result);
    if (!order) return result;
    const { [STATUS_PROBE]: _status, [HISTORY_PROBE]: _history, ...visible } = order;
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
    // the result's errors are already formatted (plain objects): rethrow one as a GraphQLError
    if (!current && unexpected?.length) throw new GraphQLError(unexpected[0].message, { extensions: unexpected[0].extensions });
    let authorized = Boolean(current);
    if (current) {
      options.onAuthorized?.();
      const announcements = announcementsFor(current, lastRank);
      if (announcements.length === 0) yield present(first);
      for (const announcement of announcements) {
        yield present(first, announcement);
        lastRank = RANK[announcement.status];
      }
      const status = current[STATUS_PROBE];
      if (lastRank < 0 && isOrderStatus(status)) lastRank = RANK[status];
      if (announcements.some((a) => isFinalOrderStatus(a.status))) return;
    }
    const deadline = Date.now() + options.pendingOrderGraceMs;
    for (;;) {
      const update = await mailbox.next(authorized ? undefined : deadline - Date.now());
      if (mailbox.isClosed) return; // unsubscribed
      if (mailbox.overflowed) throw new GraphQLError('Subscriber too slow: updates were dropped; subscribe again', { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } });
      if (!update) {
        if (!authorized) throw orderNotFound();
        return;
      }
      if (update.kind === 'gap') {
        // the feed may have missed events (broker outage): the order's state says what changed
        const result = await options.resolve();
        const order = orderIn(result);
        if (!order) {
          // failed: try again later; not visible (yet): later events or the grace decide
          if (result.errors?.length) readAgainLater();
          continue;
        }
        retryDelayMs = READ_AGAIN_FIRST_MS;
        if (!authorized) {
          authorized = true;
          options.onAuthorized?.();
        }
        const announcements = announcementsFor(order, lastRank);
        for (const announcement of announcements) {
          yield present(result, announcement);
          lastRank = RANK[announcement.status];
        }
        if (announcements.some((a) => isFinalOrderStatus(a.status))) return;
        continue;
      }
      const { envelope } = update;
      if (!authorized) {
        const owner = (envelope.data as { customerId?: unknown }).customerId;
        if (owner !== viewer.sub && !isAdmin(viewer)) throw orderNotFound();
        authorized = true;
        options.onAuthorized?.();
      }
      const status = orderStatusAnnouncedBy(envelope.type);
      if (!status) continue; // an order fact that is not a status change
      if (envelope.sequence !== null && envelope.sequence <= lastSequence) continue;
      if (RANK[status] <= lastRank) continue;
      const reason = (envelope.data as { reason?: unknown }).reason;
      const result = await resolveVisible();
      const order = orderIn(result);
      if (!order) {
        if (result.errors?.length) readAgainLater();
        continue;
      }
      retryDelayMs = READ_AGAIN_FIRST_MS;
      const announcements = announcementsFor(order, lastRank, { status, reason: typeof reason === 'string' ? reason : null });
      for (const announcement of announcements) {
        yield present(result, announcement);
        lastRank = RANK[announcement.status];
      }
      if (envelope.sequence !== null) lastSequence = envelope.sequence;
      if (isFinalOrderStatus(status)) return;
    }
  } finally {
    clearTimeout(retryTimer);
    unwatch();
    mailbox.close();
  }
}
