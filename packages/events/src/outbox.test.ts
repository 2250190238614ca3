import { ProductPriceChanged } from './definitions';
import { createEnvelope } from './envelope';
import { onOutboxAppended } from './outbox-signal';
import { appendToOutbox, outboxInsert } from './outbox';
import { createPoisonEnvelope } from './testing';
import type { Sql } from '@shop/service-kit/database';

const priceChanged = (productId: string, price: string) =>
  createEnvelope(ProductPriceChanged, { productId, name: 'Mug', price, previousPrice: '1.00', currencyCode: 'EUR' }, { subject: productId, sequence: 2, correlationId: 'c-1' });

describe('outboxInsert (the outbox INSERT a repository runs inside its own statement)', () => {
  it('numbers its parameters from firstParam, three per envelope: id, routing key, the envelope as JSON', () => {
    const [a, b] = [priceChanged('p1', '2.00'), priceChanged('p2', '3.00')];
    const insert = outboxInsert([a, b], 4);
    expect(insert.text).toBe('INSERT INTO outbox (id, routing_key, envelope) VALUES ($4::uuid, $5, $6::jsonb), ($7::uuid, $8, $9::jsonb)');
    expect(insert.params).toEqual([a.id, ProductPriceChanged.routingKey, JSON.stringify(a), b.id, ProductPriceChanged.routingKey, JSON.stringify(b)]);
  });

  it('validates every envelope as appendToOutbox does: a broken or undefined one is refused before any SQL exists', () => {
    expect(() => outboxInsert([priceChanged('p-ok', '1.00'), createPoisonEnvelope(ProductPriceChanged, { price: 12 })])).toThrow(
      /cannot append ProductPriceChanged .* data does not match its schema/,
    );
    expect(() => outboxInsert([{ ...priceChanged('p', '1.00'), type: 'Nope' }])).toThrow(/no event is defined with that type/);
    expect(() => outboxInsert([])).toThrow(/at least one envelope/);
  });

  it('appended() wakes the relays of this process, as appendToOutbox does after its statement', async () => {
    let woken = 0;
    const stop = onOutboxAppended(() => woken++);
    try {
      outboxInsert([priceChanged('p1', '2.00')]).appended();
      const statements: string[] = [];
      const sql: Sql = { query: async () => [], execute: async (text) => (statements.push(text), 1) };
      await appendToOutbox(sql, [priceChanged('p2', '2.00')]);
      expect({ woken, statements: statements.map((s) => s.slice(0, 24)) }).toEqual({ woken: 2, statements: ['INSERT INTO outbox (id, '] });
    } finally {
      stop();
    }
  });
});
