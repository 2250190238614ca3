/**
 * AMQP_URL names one RabbitMQ node or the nodes of a cluster, in one URL with the hosts
 * comma-separated — `amqp://user:pass@rabbit-1:5672,rabbit-2:5672,rabbit-3:5672/vhost` — so a
 * deployment changes one value to move from a node to a cluster, and credentials, vhost and query
 * options are written once. The connection tries the nodes in turn, starting with the first, and
 * on every reconnection moves on to the next one.
 */
export interface AmqpNodes {
  /** The URL with the first node only: credentials, vhost and options for every node. */
  url: string;
  /** Every node as `host:port`, in the order given (ports defaulted: 5672, amqps 5671). */
  hosts: string[];
}

const AMQP_URL = /^(amqps?):\/\/(?:([^@/?#]*)@)?([^/?#]+)(\/[^?#]*)?(\?[^#]*)?$/;
const NODE = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+)(?::(\d{1,5}))?$/;

/** Splits AMQP_URL into the connection's URL and its nodes; throws saying what is wrong. */
export function parseAmqpNodes(text: string): AmqpNodes {
  const match = AMQP_URL.exec(text.trim());
  if (!match) throw new Error('AMQP_URL must look like amqp://user:pass@host:5672/vhost, with several hosts comma-separated for a cluster');
  const [, scheme, userinfo, hostList, path = '', query = ''] = match;
  const defaultPort = scheme === 'amqps' ? 5671 : 5672;
  const hosts = hostList.split(',').map((node) => {
    const parts = NODE.exec(node.trim());
    const port = parts?.[2] === undefined ? defaultPort : Number(parts[2]);
    if (!parts || port < 1 || port > 65_535) throw new Error(`AMQP_URL: "${node}" is not a host[:port]`);
    return `${parts[1]}:${port}`;
  });
  const credentials = userinfo === undefined ? '' : `${userinfo}@`;
  return { url: `${scheme}://${credentials}${hosts[0]}${path}${query}`, hosts };
}

/** AMQP_URL without its password, for logs. */
export function redactAmqpUrl(text: string): string {
  return text.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}
