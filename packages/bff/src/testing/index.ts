/**
 * Small federated subgraphs for BFF tests: a "catalog" (products, a slow field, an admin-tagged
 * mutation) and a "cart" (extends Product). Each counts the GraphQL requests it receives, so tests
 * prove that refused documents never reach a subgraph.
 */
import { createLogger, requireAdmin, serveSubgraph, type RequestContext, type RunningServer, type TokenRules } from '@shop/service-kit';
import { TEST_JWT_SECRET } from '@shop/service-kit/testing';
import { GraphQLError, parse } from 'graphql';
import { composeSupergraph } from '@shop/schema-tools';

const catalogTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@tag"])

  type Query {
    products(first: Int = 20, after: String): ProductConnection!
    product(id: ID!): Product
    "waits until the test releases it"
    slow: String
    "who the subgraph thinks is calling, and the ids it received"
    whoami: Caller!
    "always fails inside the resolver"
    broken: String
  }
  type Caller {
    sub: String
    roles: [String!]!
    requestId: String!
    correlationId: String!
    traceparent: String
  }
  type ProductConnection {
    edges: [ProductEdge!]!
    totalCount: Int!
    "the page size the subgraph applied"
    pageSize: Int!
  }
  type ProductEdge {
    cursor: String!
    node: Product!
  }
  type Product @key(fields: "id") {
    id: ID!
    name: String!
    price: Int!
    cost: Int @tag(name: "admin")
  }
  type Mutation {
    createProduct(name: String!): Product
    renameProduct(id: ID!, name: String!): Product
  }
`);

const cartTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    cart: Cart
  }
  type Cart @key(fields: "id") {
    id: ID!
    lines: [CartLine!]!
  }
  type CartLine {
    product: Product
    quantity: Int!
  }
  type Product @key(fields: "id", resolvable: false) {
    id: ID!
  }
  type Mutation {
    addToCart(productId: ID!, quantity: Int!): Cart
  }
`);

const orderTypeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])

  type Query {
    "the order, for its owner or an admin; null for anyone else (like an order that does not exist)"
    order(id: ID!): Order
  }
  enum OrderStatus {
    PENDING
    CONFIRMED
    REJECTED
    CANCELLED
    SHIPPED
  }
  type Order @key(fields: "id") {
    id: ID!
    status: OrderStatus!
    statusReason: String
    total: Int!
    lines: [OrderLine!]!
    "the order's timeline, oldest first"
    history: [OrderStatusChange!]!
  }
  type OrderStatusChange {
    status: OrderStatus!
    reason: String
  }
  type OrderLine {
    product: Product!
    quantity: Int!
  }
  type Product @key(fields: "id", resolvable: false) {
    id: ID!
  }
`);

/** An order as the test order subgraph stores it; tests change it, then publish the matching event. */
export interface TestOrder {
  id: string;
  customerId: string;
  status: 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'CANCELLED' | 'SHIPPED';
  statusReason: string | null;
  total: number;
  lines: { product: { id: string }; quantity: number }[];
  /** the timeline; when absent, a single entry with the current status */
  history?: { status: TestOrder['status']; reason: string | null }[];
  /** reading it fails with SERVICE_UNAVAILABLE, as the order subgraph answers while its database is away */
  unavailable?: boolean;
}

const PRODUCTS = Array.from({ length: 120 }, (_, i) => ({ id: `p${i + 1}`, name: `Product ${i + 1}`, price: 100 + i, cost: 50 + i }));

export interface TestSubgraph {
  name: string;
  server: RunningServer;
  url: string;
  /** GraphQL requests received so far */
  requests(): number;
  stop(): Promise<void>;
}

export interface TestSubgraphs {
  catalog: TestSubgraph;
  cart: TestSubgraph;
  order: TestSubgraph;
  /** what the order subgraph serves; tests add and change orders here */
  orders: Map<string, TestOrder>;
  supergraphSdl: string;
  /** total GraphQL requests both subgraphs received */
  requests(): number;
  /** lets every pending `slow` resolve */
  releaseSlow(): void;
  stop(): Promise<void>;
}

const silent = createLogger('test-subgraph', 'silent');

async function startCounted(
  name: string,
  typeDefs: ReturnType<typeof parse>,
  resolvers: Record<string, Record<string, unknown>>,
  tokenRules?: TokenRules,
  gatewaySecret?: string,
): Promise<TestSubgraph> {
  let count = 0;
  const server = await serveSubgraph<RequestContext>({
    name,
    port: 0,
    typeDefs,
    resolvers: resolvers as never,
    logger: silent,
    jwtSecret: TEST_JWT_SECRET,
    tokenRules,
    gatewaySecret,
    context: (base) => {
      count += 1;
      return base;
    },
    readiness: {},
    shutdownTimeoutMs: 500,
  });
  let stopped = false;
  return {
    name,
    server,
    url: `${server.url}/graphql`,
    requests: () => count,
    async stop() {
      if (stopped) return;
      stopped = true;
      await server.stop();
    },
  };
}

/** Starts both test subgraphs on free ports and composes their supergraph with those URLs. */
/** `tokenRules`: what the subgraphs accept, as the BFF under test is configured (default: the defaults); `gatewaySecret`: their gateway credential */
export async function startTestSubgraphs(options: { tokenRules?: TokenRules; gatewaySecret?: string } = {}): Promise<TestSubgraphs> {
  let release: () => void = () => {};
  const slow = new Promise<void>((resolve) => {
    release = resolve;
  });
  const catalog = await startCounted('catalog', catalogTypeDefs, {
    Query: {
      products: (_: unknown, { first }: { first: number | null }) => {
        const size = first ?? 20;
        const page = PRODUCTS.slice(0, size);
        return { edges: page.map((node) => ({ cursor: node.id, node })), totalCount: PRODUCTS.length, pageSize: size };
      },
      product: (_: unknown, { id }: { id: string }) => PRODUCTS.find((p) => p.id === id) ?? null,
      slow: async () => {
        await slow;
        return 'finally';
      },
      whoami: (_: unknown, __: unknown, ctx: RequestContext) => ({
        sub: ctx.viewer?.sub ?? null,
        roles: ctx.viewer?.roles ?? [],
        requestId: ctx.requestId,
        correlationId: ctx.correlationId,
        traceparent: ctx.traceparent ?? null,
      }),
      broken: () => {
        throw new Error('database password is hunter2');
      },
    },
    Product: {
      __resolveReference: (ref: { id: string }) => PRODUCTS.find((p) => p.id === ref.id) ?? null,
    },
    Mutation: {
      createProduct: (_: unknown, { name }: { name: string }, ctx: RequestContext) => {
        requireAdmin(ctx.viewer);
        return { id: 'new', name, price: 1, cost: 1 };
      },
      renameProduct: (_: unknown, { id, name }: { id: string; name: string }) => ({ ...(PRODUCTS.find((p) => p.id === id) ?? PRODUCTS[0]), name }),
    },
  }, options.tokenRules, options.gatewaySecret);
  const cart = await startCounted('cart', cartTypeDefs, {
    Query: {
      cart: (_: unknown, __: unknown, ctx: RequestContext) => (ctx.viewer ? { id: `cart-${ctx.viewer.sub}`, lines: [{ product: { id: 'p1' }, quantity: 2 }, { product: { id: 'p2' }, quantity: 1 }] } : null),
    },
    Mutation: {
      addToCart: (_: unknown, { productId, quantity }: { productId: string; quantity: number }) => ({ id: 'cart', lines: [{ product: { id: productId }, quantity }] }),
    },
  }, options.tokenRules, options.gatewaySecret);
  const orders = new Map<string, TestOrder>();
  const order = await startCounted('order', orderTypeDefs, {
    Query: {
      order: (_: unknown, { id }: { id: string }, ctx: RequestContext) => {
        const found = orders.get(id);
        if (found?.unavailable) throw new GraphQLError('The service is temporarily unavailable', { extensions: { code: 'SERVICE_UNAVAILABLE' } });
        return found && ctx.viewer && (found.customerId === ctx.viewer.sub || ctx.viewer.roles.includes('admin')) ? found : null;
      },
    },
    Order: {
      __resolveReference: (ref: { id: string }) => orders.get(ref.id) ?? null,
      history: (o: TestOrder) => o.history ?? [{ status: o.status, reason: o.statusReason }],
    },
  }, options.tokenRules, options.gatewaySecret);
  const supergraphSdl = composeSupergraph([
    { name: 'cart', url: cart.url, typeDefs: cartTypeDefs },
    { name: 'catalog', url: catalog.url, typeDefs: catalogTypeDefs },
    { name: 'order', url: order.url, typeDefs: orderTypeDefs },
  ]);
  return {
    catalog,
    cart,
    order,
    orders,
    supergraphSdl,
    requests: () => catalog.requests() + cart.requests() + order.requests(),
    releaseSlow: () => release(),
    async stop() {
      release();
      await Promise.all([catalog.stop(), cart.stop(), order.stop()]);
    },
  };
}

export * from './abuse';
export * from './audits';
export * from './graphql-post';
export * from './mock-subgraphs';
export * from './ws-client';
