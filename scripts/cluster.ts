/**
 * npm run cluster -- up|down|status [--size 3] [--port 5781]
 *
 * A RabbitMQ cluster of our own on this machine, for trying the platform on quorum queues and
 * failover by hand (the e2e test starts one of its own the same way): `up` starts the nodes,
 * joins them and prints the AMQP_URL to use; `down` kills them and removes their folders;
 * `status` says which nodes run. The machine's shared RabbitMQ node is never touched.
 *
 *   npm run cluster -- up
 *   AMQP_URL=amqp://guest:guest@127.0.0.1:5781,127.0.0.1:5782,127.0.0.1:5783/ EVENTS_QUEUE_TYPE=quorum \
 *     DATABASE_URL=postgresql://postgres@127.0.0.1:5432/shop npm start
 *   kill -9 $(cat /tmp/shop-rabbitmq-cluster/cluster-1/node.pid)   # the services move to another node
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { startRabbitCluster } from './rabbitmq/cluster';

const BASE = '/tmp/shop-rabbitmq-cluster';
const STATE = join(BASE, 'cluster.json');

interface State {
  url: string;
  nodes: { node: string; port: number; pidFile: string }[];
}

function alive(pidFile: string): boolean {
  if (!existsSync(pidFile)) return false;
  try {
    process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 0);
    return true;
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({ allowPositionals: true, options: { size: { type: 'string', default: '3' }, port: { type: 'string', default: '5781' } } });
  const command = positionals[0];
  if (command === 'up') {
    if (existsSync(STATE)) throw new Error(`a cluster is already up (${STATE}); npm run cluster -- down first`);
    const cluster = await startRabbitCluster({ size: Number(values.size), basePort: Number(values.port), base: BASE });
    const state: State = { url: cluster.url, nodes: cluster.nodes.map((n, i) => ({ node: n.node, port: n.port, pidFile: join(BASE, `cluster-${i + 1}`, 'node.pid') })) };
    writeFileSync(STATE, JSON.stringify(state, null, 2));
    console.log(`cluster up: ${(await cluster.runningNodes()).join(', ')}\nAMQP_URL=${cluster.url}\nEVENTS_QUEUE_TYPE=quorum`);
  } else if (command === 'down') {
    if (!existsSync(STATE)) return console.log('no cluster is up');
    const state = JSON.parse(readFileSync(STATE, 'utf8')) as State;
    for (const { pidFile } of state.nodes) {
      if (alive(pidFile)) process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGKILL');
    }
    rmSync(BASE, { recursive: true, force: true });
    console.log(`cluster down: ${state.nodes.map((n) => n.node).join(', ')} killed, ${BASE} removed`);
  } else if (command === 'status') {
    if (!existsSync(STATE)) return console.log('no cluster is up');
    const state = JSON.parse(readFileSync(STATE, 'utf8')) as State;
    for (const n of state.nodes) console.log(`${n.node} on ${n.port}: ${alive(n.pidFile) ? 'running' : 'down'}`);
    console.log(`AMQP_URL=${state.url}`);
  } else {
    console.log('usage: npm run cluster -- up|down|status [--size 3] [--port 5781]');
    process.exitCode = command ? 2 : 0;
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
