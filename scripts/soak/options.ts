/**
 * `npm run soak -- [options]`: what the soak reads from its command line, validated once.
 */
import { parseArgs } from 'node:util';

export type FaultKind = 'broker-kill' | 'db-stop' | 'proxy-cut' | 'provider-5xx' | 'provider-hang' | 'webhook-chaos' | 'provider-down';
export const FAULT_KINDS: readonly FaultKind[] = ['broker-kill', 'db-stop', 'proxy-cut', 'provider-5xx', 'provider-hang', 'webhook-chaos', 'provider-down'];

/** One fault on the timeline: at `atMs` after the first checkout, for `forMs`. */
export interface PlannedFault {
  kind: FaultKind;
  atMs: number;
  forMs: number;
}

export interface SoakOptions {
  checkouts: number;
  customers: number;
  concurrency: number;
  products: number;
  /** share of checkouts whose client sends the same key a second time */
  twiceShare: number;
  /** share of checkouts that apply a coupon */
  couponShare: number;
  /** share of checkouts paid by card (CheckoutAndPay); the rest check out without payment, as old clients do */
  payShare: number;
  /** share of CONFIRMED orders the admin ships (a paid one: captured), of those refunded in part, of CONFIRMED ones cancelled (voided) */
  shipShare: number;
  refundShare: number;
  cancelShare: number;
  /** redemptions allowed on the limited coupon */
  couponLimit: number;
  faults: PlannedFault[];
  /** how long everything may take to settle after the last checkout and the last fault */
  settleTimeoutMs: number;
  /** the saga deadline the order replicas run with (ORDER_SAGA_TIMEOUT_MS) */
  sagaTimeoutMs?: number;
  /** a customer's next checkout starts as soon as the previous one answered, not once it settled */
  eagerCustomers: boolean;
  keepLogs: boolean;
  help: boolean;
}

/**
 * The default timeline: two broker kills, a short and a 35 s database stop, a proxy cut, and the
 * payment provider's faults between them — every money call answering 503 for 8 s, the next
 * calls' answers lost (done, but timed out: settled by asking the provider), webhooks doubled and
 * reordered, and the provider process down for 30 s.
 */
export const DEFAULT_FAULTS =
  '10s:broker-kill:10s,24s:provider-5xx:8s,35s:db-stop:6s,44s:provider-hang:8s,55s:proxy-cut:5s,62s:webhook-chaos:12s,75s:db-stop:35s,115s:provider-down:30s,150s:broker-kill:10s';

export const USAGE = `usage: npm run soak -- [options]
  --checkouts N        checkouts to drive (default 300)
  --customers N        distinct customers (default checkouts / 4)
  --concurrency N      checkouts in flight at once (default 24)
  --products N         products of the soak's own, some with scarce stock (default 12)
  --twice F            share of clients sending their idempotency key twice (default 0.1)
  --coupons F          share of checkouts applying a coupon (default 0.3)
  --coupon-limit N     redemptions allowed on the limited coupon (default 40)
  --pay F              share of checkouts paid by card, the rest without payment (default 0.85)
  --ship F             share of CONFIRMED orders the admin ships (default 0.5)
  --refund F           share of shipped orders refunded in part (default 0.4)
  --cancel F           share of CONFIRMED orders the admin cancels (default 0.15)
  --faults LIST        timeline, comma-separated <at>:<kind>:<for>, kinds ${FAULT_KINDS.join(', ')},
                       times like 10s, 500ms, 1m; "none" for no faults. The payment provider's:
                       provider-5xx (every money call answers 503), provider-hang (the next 12
                       calls are done but their answers lost), webhook-chaos (every webhook twice,
                       out of order), provider-down (killed, started again on its ledger after <for>)
                       (default ${DEFAULT_FAULTS})
  --settle-timeout D   time allowed to settle after the last fault and checkout (default 5m)
  --saga-timeout D     ORDER_SAGA_TIMEOUT_MS for the order replicas (default: theirs)
  --eager-customers    a customer checks out again before the previous order settled
                       (default: waits, as a storefront showing the order does)
  --keep-logs          keep the services' logs even when every invariant holds`;

export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m)$/.exec(text.trim());
  if (!match) throw new Error(`"${text}" is not a duration (e.g. 500ms, 10s, 2m)`);
  const value = Number(match[1]);
  return Math.round(match[2] === 'ms' ? value : match[2] === 's' ? value * 1_000 : value * 60_000);
}

export function parseFaults(text: string): PlannedFault[] {
  if (text.trim() === 'none' || text.trim() === '') return [];
  const faults = text.split(',').map((part) => {
    const [at, kind, duration, ...rest] = part.trim().split(':');
    if (rest.length > 0 || !at || !kind || !duration) throw new Error(`fault "${part}" is not <at>:<kind>:<for>`);
    if (!FAULT_KINDS.includes(kind as FaultKind)) throw new Error(`unknown fault kind "${kind}" (one of ${FAULT_KINDS.join(', ')})`);
    return { kind: kind as FaultKind, atMs: parseDuration(at), forMs: parseDuration(duration) };
  });
  faults.sort((a, b) => a.atMs - b.atMs);
  // faults run one after another: an overlap would make the timeline lie about when each ended
  for (let i = 1; i < faults.length; i++) {
    const previous = faults[i - 1];
    if (faults[i].atMs < previous.atMs + previous.forMs) throw new Error(`fault at ${faults[i].atMs} ms starts before the one at ${previous.atMs} ms is over`);
  }
  return faults;
}

function positive(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`--${name} must be a positive whole number (got "${text}")`);
  return value;
}

function share(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(value >= 0 && value <= 1)) throw new Error(`--${name} must be between 0 and 1 (got "${text}")`);
  return value;
}

/** Parses the arguments; throws an Error whose message is meant for the user. */
export function parseSoakOptions(argv: readonly string[]): SoakOptions {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    options: {
      checkouts: { type: 'string' },
      customers: { type: 'string' },
      concurrency: { type: 'string' },
      products: { type: 'string' },
      twice: { type: 'string' },
      coupons: { type: 'string' },
      'coupon-limit': { type: 'string' },
      pay: { type: 'string' },
      ship: { type: 'string' },
      refund: { type: 'string' },
      cancel: { type: 'string' },
      faults: { type: 'string' },
      'settle-timeout': { type: 'string' },
      'saga-timeout': { type: 'string' },
      'keep-logs': { type: 'boolean' },
      'eager-customers': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const checkouts = positive('checkouts', values.checkouts, 300);
  const products = positive('products', values.products, 12);
  if (products < 4) throw new Error('--products must be at least 4 (some plentiful, some scarce)');
  const shipShare = share('ship', values.ship, 0.5);
  const cancelShare = share('cancel', values.cancel, 0.15);
  if (shipShare + cancelShare > 1) throw new Error('--ship and --cancel together must be at most 1 (an order is shipped or cancelled, not both)');
  return {
    checkouts,
    customers: positive('customers', values.customers, Math.max(1, Math.ceil(checkouts / 4))),
    concurrency: positive('concurrency', values.concurrency, 24),
    products,
    twiceShare: share('twice', values.twice, 0.1),
    couponShare: share('coupons', values.coupons, 0.3),
    couponLimit: positive('coupon-limit', values['coupon-limit'], 40),
    payShare: share('pay', values.pay, 0.85),
    shipShare,
    refundShare: share('refund', values.refund, 0.4),
    cancelShare,
    faults: parseFaults(values.faults ?? DEFAULT_FAULTS),
    settleTimeoutMs: parseDuration(values['settle-timeout'] ?? '5m'),
    sagaTimeoutMs: values['saga-timeout'] === undefined ? undefined : parseDuration(values['saga-timeout']),
    eagerCustomers: values['eager-customers'] ?? false,
    keepLogs: values['keep-logs'] ?? false,
    help: values.help ?? false,
  };
}
