import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@shop/service-kit/testing';
import { ProductPriceChanged, type Envelope } from '@shop/events';
import { createRabbitBus } from '@shop/events/rabbitmq';
import { createPoisonEnvelope, rabbitTestNamespace, waitForDeadLetter } from '@shop/events/testing';

const run = promisify(execFile);
const root = join(__dirname, '..');

/** Runs `npm run dlq -- <args>` as an operator would (tsx, the real CLI, its own process). */
async function dlq(args: string[], env: Record<string, string | undefined>): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(root, 'node_modules/tsx/dist/cli.mjs'), join(root, 'scripts/dlq.ts'), ...args], {
      cwd: root,
      env: { PATH: process.env.PATH, ...env },
      timeout: 30_000,
    });
    return { code: 0, stdout, stderr };
  } catch (e) {
    const failed = e as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe('npm run dlq against RabbitMQ', () => {
  const ns = rabbitTestNamespace('dlq');
  const bus = ns.track(createRabbitBus({ url: ns.url, exchange: ns.exchange, serviceName: 'dlq-test' }));
  const env = { AMQP_URL: ns.url, EVENTS_EXCHANGE: ns.exchange };

  afterAll(async () => {
    await bus.close();
    await ns.cleanup(['cart']);
  });

  test('list cart shows a poisoned message; replay re-delivers it to cart', async () => {
    const received: Envelope[] = [];
    await bus.consume({ queue: 'cart', routingKeys: ['catalog.product.*.v1'] }, async (e) => void received.push(e));
    const poison = createPoisonEnvelope(ProductPriceChanged, { productId: 'p1', price: 'NaN' });
    await bus.publish(ProductPriceChanged.routingKey, poison);
    const first = await waitForDeadLetter(bus, 'cart', (d) => d.id === poison.id);

    const listed = await dlq(['list', 'cart'], env);
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain('1 dead letter(s) for cart:');
    expect(listed.stdout).toContain(poison.id);
    expect(listed.stdout).toContain('PoisonMessageError: ProductPriceChanged data does not match its schema');
    // listing is non-destructive
    expect((await bus.deadLetters('cart').list()).map((d) => d.id)).toEqual([poison.id]);

    const replayed = await dlq(['replay', 'cart', poison.id], env);
    expect(replayed).toMatchObject({ code: 0, stdout: 'replayed 1 message(s) to cart\n' });
    // it went back through cart's queue: cart refused it again (poison stays poison), as a new dead letter
    const again = await waitForDeadLetter(bus, 'cart', (d) => d.id === poison.id && d.deadLetteredAt > first.deadLetteredAt);
    expect(again.attempts).toBe(1);
    expect(received).toHaveLength(0);

    const missing = await dlq(['replay', 'cart', '00000000-0000-4000-8000-000000000000'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('no dead letter 00000000-0000-4000-8000-000000000000 for cart');
    await waitFor(async () => (await bus.deadLetters('cart').list()).length === 1);
  });

  test('embedded mode (no AMQP_URL) → a clear message, exit code 1', async () => {
    const result = await dlq(['list', 'cart'], { EVENTS_EXCHANGE: ns.exchange });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('AMQP_URL is not set: the services run in embedded mode');
  });

  test('bad arguments → usage, exit code 2', async () => {
    const result = await dlq(['list', 'basket'], env);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown service "basket"');
    expect(result.stderr).toContain('usage: npm run dlq -- list <service>');
  });
});
