import { SUBGRAPH_NAMES } from '@shop/services';
import { GATEWAY_SECRET_HEADER } from '@shop/service-kit';
import { TEST_AMQP_URL, testDatabaseServer, uniqueRunId } from '@shop/service-kit/testing';
import { rabbitTestNamespace } from '@shop/events/testing';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { benchServicesEnv, startSubgraphs } from './processes';

// the bench's subgraphs run as production (bench/run.ts), which refuses every development default:
// since the payment subgraph joined, its provider settings made the whole process exit before "ready"
describe("the bench's subgraphs process", () => {
  it('starts every subgraph of the list as production (payment with a provider of its own) and each answers', async () => {
    const databases = testDatabaseServer('benchsub');
    const rabbit = rabbitTestNamespace(uniqueRunId('benchsub'), process.env.AMQP_URL ?? TEST_AMQP_URL);
    const logDir = mkdtempSync(join(tmpdir(), 'bench-subgraphs-'));
    const env = benchServicesEnv({ databaseUrl: databases.url, amqpUrl: rabbit.url, exchange: rabbit.exchange, products: 64, logLevel: 'warn' });
    const logFile = join(logDir, 'subgraphs.log');
    try {
      const subgraphs = await startSubgraphs(env, logFile).catch((e: Error) => {
        throw new Error(`${e.message}\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
      });
      try {
        expect(Object.keys(subgraphs.urls).sort()).toEqual([...SUBGRAPH_NAMES].sort());
        for (const [name, url] of Object.entries(subgraphs.urls)) {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', [GATEWAY_SECRET_HEADER]: env.GATEWAY_SECRET }, body: JSON.stringify({ query: '{ __typename }' }) });
          expect({ name, status: response.status, body: await response.json() }).toEqual({ name, status: 200, body: { data: { __typename: 'Query' } } });
        }
      } finally {
        await subgraphs.stop();
      }
    } finally {
      await rabbit.cleanup(SUBGRAPH_NAMES).catch(() => undefined);
      await databases.drop();
      rmSync(logDir, { recursive: true, force: true });
    }
  }, 180_000);
});
