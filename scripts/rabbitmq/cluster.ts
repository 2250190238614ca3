/**
 * A RabbitMQ cluster of our own: `size` nodes (cluster-1@localhost, cluster-2@localhost, …) on
 * spare ports of this machine, joined into one cluster — to run the platform on quorum queues
 * and kill nodes under it. The shared node is never touched.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { startRabbitNode, type RabbitNode } from './node';

export interface RabbitCluster {
  nodes: RabbitNode[];
  /** AMQP_URL naming every node: amqp://guest:guest@127.0.0.1:p1,127.0.0.1:p2,…/ */
  url: string;
  /** nodes rabbitmqctl reports as running, as seen by `from` (default: the first live one) */
  runningNodes(from?: RabbitNode): Promise<string[]>;
  /** kills every node and removes the folders */
  destroy(): Promise<void>;
}

export interface RabbitClusterOptions {
  size?: number;
  /**
   * AMQP port of the first node; the others follow (default 5781). Erlang distribution ports are
   * 1000 above: below the range e2e/support/service-processes.ts picks service ports from
   * (20000–29999) and below the kernel's ephemeral ports, so nothing else running takes them.
   */
  basePort?: number;
  /** node name prefix (default "cluster") */
  name?: string;
  /** where the nodes' folders go (default: new temporary folders) */
  base?: string;
}

export function clusterUrl(nodes: readonly Pick<RabbitNode, 'port'>[]): string {
  return `amqp://guest:guest@${nodes.map((n) => `127.0.0.1:${n.port}`).join(',')}/`;
}

export async function startRabbitCluster(options: RabbitClusterOptions = {}): Promise<RabbitCluster> {
  const size = options.size ?? 3;
  const basePort = options.basePort ?? 5781;
  const name = options.name ?? 'cluster';
  const nodes: RabbitNode[] = [];
  const destroy = async () => {
    await Promise.all(nodes.map((n) => n.destroy()));
    if (options.base) rmSync(options.base, { recursive: true, force: true });
  };
  try {
    // the nodes boot side by side (each takes seconds), then join the first one by one
    const started = await Promise.allSettled(
      Array.from({ length: size }, (_, i) =>
        startRabbitNode({
          node: `${name}-${i + 1}@localhost`,
          port: basePort + i,
          distPort: basePort + i + 1_000,
          base: options.base ? join(options.base, `${name}-${i + 1}`) : undefined,
        }),
      ),
    );
    for (const result of started) if (result.status === 'fulfilled') nodes.push(result.value);
    const failed = started.find((r) => r.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
    for (const node of nodes.slice(1)) await node.joinCluster(nodes[0]);
  } catch (error) {
    await destroy();
    throw error;
  }
  const cluster: RabbitCluster = {
    nodes,
    url: clusterUrl(nodes),
    async runningNodes(from) {
      const candidates = from ? [from] : nodes;
      for (const node of candidates) {
        try {
          const { stdout } = await node.ctl('cluster_status', '--formatter', 'json');
          return ((JSON.parse(stdout) as { running_nodes?: string[] }).running_nodes ?? []).sort();
        } catch {
          // that node is down: ask the next
        }
      }
      return [];
    },
    destroy,
  };
  const running = await cluster.runningNodes();
  if (running.length !== size) {
    await destroy();
    throw new Error(`the cluster formed with ${running.length} of ${size} nodes running: ${running.join(', ')}`);
  }
  return cluster;
}
