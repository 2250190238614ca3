/**
 * Dead letters of a service's queue on RabbitMQ:
 *
 *   npm run dlq -- list <service> [--json]     what is parked, why, after how many attempts
 *   npm run dlq -- replay <service> [id]       send them (or one) back to the service's queue
 *
 * Reads AMQP_URL and EVENTS_EXCHANGE like the services do. In embedded mode (no AMQP_URL) the bus
 * lives inside the `npm start` process, so there is no broker to ask: it says so and exits 1.
 */
import { baseConfigSchema, ConfigError, loadConfig } from '@shop/service-kit';
import { SERVICE_QUEUES, type DeadLetter, type EventBus } from '@shop/events';

/** The services that have a durable queue (and so dead letters): the backbone's own list. */
export const SERVICES: readonly string[] = Object.keys(SERVICE_QUEUES);

const USAGE = [
  'usage: npm run dlq -- list <service> [--json]',
  '       npm run dlq -- replay <service> [id]',
  `services: ${SERVICES.join(', ')}`,
].join('\n');

export type DlqCommand = { action: 'list'; service: string; json: boolean } | { action: 'replay'; service: string; id?: string } | { action: 'help' };

/** Parses the arguments; throws an Error whose message is meant for the user. */
export function parseDlqArgs(argv: readonly string[]): DlqCommand {
  const json = argv.includes('--json');
  const args = argv.filter((a) => a !== '--json');
  const [action, service, id, ...extra] = args;
  if (action === undefined || action === 'help' || action === '--help' || action === '-h') return { action: 'help' };
  if (action !== 'list' && action !== 'replay') throw new Error(`unknown command "${action}"`);
  if (!service) throw new Error(`${action} needs a service`);
  if (!SERVICES.includes(service)) throw new Error(`unknown service "${service}"`);
  if (extra.length > 0 || (action === 'list' && id !== undefined)) throw new Error(`unexpected argument "${action === 'list' ? id : extra[0]}"`);
  if (action === 'replay' && id !== undefined && !/^[0-9a-f-]{36}$/i.test(id)) throw new Error(`"${id}" is not a message id (a uuid, as listed)`);
  return action === 'list' ? { action, service, json } : { action, service, id };
}

/** A table a person can read: one dead letter per line, the error's first line. */
export function formatDeadLetters(service: string, letters: readonly DeadLetter[]): string {
  if (letters.length === 0) return `no dead letters for ${service}`;
  const lines = letters.map((d) => {
    const error = d.error.split('\n')[0].slice(0, 120);
    return `${d.id}  ${(d.type ?? '?').padEnd(24)}  attempts ${String(d.attempts).padStart(2)}  ${d.deadLetteredAt || '-'}  ${error}`;
  });
  return [`${letters.length} dead letter(s) for ${service}:`, ...lines, `replay: npm run dlq -- replay ${service} [id]`].join('\n');
}

/** Runs a parsed command against `bus`; returns what to print. */
export async function runDlqCommand(command: Exclude<DlqCommand, { action: 'help' }>, bus: EventBus): Promise<string> {
  const queue = bus.deadLetters(command.service);
  if (command.action === 'list') {
    const letters = await queue.list();
    return command.json ? JSON.stringify(letters, null, 2) : formatDeadLetters(command.service, letters);
  }
  const replayed = await queue.replay(command.id);
  if (command.id !== undefined && replayed === 0) throw new Error(`no dead letter ${command.id} for ${command.service}`);
  return `replayed ${replayed} message(s) to ${command.service}`;
}

export const EMBEDDED_MODE_MESSAGE = [
  'AMQP_URL is not set: the services run in embedded mode, where the event bus lives inside the',
  '`npm start` process and keeps no broker queues this command could read. Dead letters there are',
  'logged ("message dead-lettered", with the error) and kept in memory until the process stops.',
  'Set AMQP_URL (and EVENTS_EXCHANGE if not shop.events) to manage RabbitMQ dead letters.',
].join('\n');

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let command: DlqCommand;
  try {
    command = parseDlqArgs(argv);
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (command.action === 'help') {
    console.log(USAGE);
    return 0;
  }
  let config: { AMQP_URL?: string; EVENTS_EXCHANGE: string };
  try {
    config = loadConfig(baseConfigSchema.pick({ AMQP_URL: true, EVENTS_EXCHANGE: true }), env);
  } catch (e) {
    console.error(e instanceof ConfigError ? e.message : String(e));
    return 2;
  }
  if (!config.AMQP_URL) {
    console.error(EMBEDDED_MODE_MESSAGE);
    return 1;
  }
  const { createRabbitBus } = await import('@shop/events/rabbitmq');
  const bus = createRabbitBus({ url: config.AMQP_URL, exchange: config.EVENTS_EXCHANGE, serviceName: 'dlq-cli', publishTimeoutMs: 5_000 });
  try {
    await connected(bus);
    console.log(await runDlqCommand(command, bus));
    return 0;
  } catch (e) {
    console.error(`dlq ${command.action} ${command.service}: ${(e as Error).message}`);
    return 1;
  } finally {
    await bus.close();
  }
}

/** The broker gets a few seconds to answer before the command gives up. */
async function connected(bus: EventBus, attempts = 5): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      return await bus.check();
    } catch (e) {
      if (i >= attempts) throw e;
    }
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then((code) => process.exit(code));
}
