/**
 * Run by scaffold.int.test.ts inside the scaffolded copy: the whole platform in one process
 * (embedded, in memory), then the new subgraph asked through the web BFF, as a client would.
 * Prints one JSON line with what the web BFF answered.
 */
import { createAuth } from '@shop/service-kit';
import { postGraphQL } from '@shop/service-kit/testing';
import { startStack } from '../stack';

async function main(): Promise<void> {
  // the spellings scaffold.ts's namesFor gave: the subgraph, its entity, the entity's field, the list's field
  const [, , name, Entity, entity, entities] = process.argv;
  const secret = 'scaffold-probe-secret-of-at-least-32-characters';
  const stack = await startStack({ env: { PATH: process.env.PATH, DATA_DIR: 'memory://', JWT_SECRET: secret, LOG_LEVEL: 'silent', NODE_ENV: 'test' }, ephemeralPorts: true });
  try {
    const admin = await createAuth(secret).signToken({ sub: 'ada', roles: ['admin'] });
    const url = `${stack.urls.web}/graphql`;
    const created = await postGraphQL(url, `mutation { create${Entity}(name: "  Birthday  ") { ${entity} { id name } userErrors { code field } } }`, undefined, { token: admin });
    const refused = await postGraphQL(url, `mutation { create${Entity}(name: "   ") { ${entity} { id } userErrors { code field } } }`, undefined, { token: admin });
    const anonymous = await postGraphQL(url, `mutation { create${Entity}(name: "x") { ${entity} { id } } }`);
    const listed = await postGraphQL(url, `{ ${entities}(first: 5) { id name createdAt } }`);
    console.log(JSON.stringify({ subgraphs: Object.keys(stack.subgraphs), created, refused, anonymous, listed, name }));
  } finally {
    await stack.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
