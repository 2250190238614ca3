import { createLogger, GATEWAY_SECRET_HEADER } from '@shop/service-kit';
import type { GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { SubgraphDataSource } from './subgraph-data-source';
import type { BffContext } from './context';

const logger = createLogger('data-source-test', 'silent');
const requestTo = (source: SubgraphDataSource, context: Partial<BffContext> = {}) => {
  const headers = new Map<string, string>();
  source.willSendRequest({ request: { http: { headers, method: 'POST', url: '' } }, context } as unknown as GraphQLDataSourceProcessOptions<BffContext>);
  return headers;
};

describe('what the BFF sends each subgraph', () => {
  it('the gateway credential (GATEWAY_SECRET) in x-gateway-secret, with or without a caller context', () => {
    const source = new SubgraphDataSource({ name: 'catalog', url: 'http://catalog.invalid/graphql', timeoutMs: 1_000, logger, gatewaySecret: 'the-gateway-secret-0123456789abcdef' });
    expect(requestTo(source).get(GATEWAY_SECRET_HEADER)).toBe('the-gateway-secret-0123456789abcdef');
    expect(requestTo(source, { requestId: 'r1', correlationId: 'c1', viewer: null }).get(GATEWAY_SECRET_HEADER)).toBe('the-gateway-secret-0123456789abcdef');
  });

  it('none when no credential is configured', () => {
    const source = new SubgraphDataSource({ name: 'catalog', url: 'http://catalog.invalid/graphql', timeoutMs: 1_000, logger });
    expect(requestTo(source, { requestId: 'r1', correlationId: 'c1', viewer: null }).has(GATEWAY_SECRET_HEADER)).toBe(false);
  });
});
