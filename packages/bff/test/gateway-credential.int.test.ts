/**
 * The BFF is the gateway its subgraphs recognise (issue 26.5): with GATEWAY_SECRET set on both, the
 * subgraphs refuse introspection and `_service` to anyone else, and the BFF, which sends the
 * credential in x-gateway-secret, is answered as before.
 */
import { createLogger, GATEWAY_SECRET_HEADER } from '@shop/service-kit';
import { startBff, type RunningBff } from '../src/server';
import { startTestSubgraphs, type TestSubgraphs } from '../src/testing';
import { post } from '../src/testing/graphql-post';
import { testConfig } from './support';

const GATEWAY_SECRET = 'a-gateway-secret-for-the-bff-test-0123456789';
let subgraphs: TestSubgraphs;
let bff: RunningBff;
let stranger: RunningBff;

beforeAll(async () => {
  subgraphs = await startTestSubgraphs({ gatewaySecret: GATEWAY_SECRET });
  const logger = createLogger('gateway-credential-test', 'silent');
  bff = await startBff(testConfig(subgraphs.supergraphSdl, { gatewaySecret: GATEWAY_SECRET }), { logger });
  stranger = await startBff(testConfig(subgraphs.supergraphSdl, { name: 'stranger-bff' }), { logger });
});
afterAll(async () => {
  await bff?.stop();
  await stranger?.stop();
  await subgraphs?.stop();
});

it('a subgraph answers _service to the BFF\'s credential only', async () => {
  const direct = (headers: Record<string, string>) => post(subgraphs.catalog.url, { query: '{ _service { sdl } }' }, { headers });
  expect((await direct({})).status).toBe(403);
  expect((await direct({ [GATEWAY_SECRET_HEADER]: GATEWAY_SECRET })).status).toBe(200);
});

it('the BFF with the credential is answered as before; one without it too, for an ordinary document (the credential lifts only introspection and the limits)', async () => {
  const query = '{ products(first: 2) { edges { node { id name } } } }';
  const answer = await post<{ products: { edges: unknown[] } }>(`${bff.url}/graphql`, { query });
  expect(answer.errors).toBeUndefined();
  expect(answer.data?.products.edges).toHaveLength(2);
  expect((await post(`${stranger.url}/graphql`, { query })).errors).toBeUndefined();
});
