import { describeEnvelopeTypes, describeEventBusBehaviour } from '../test/bus-behaviour';
import { createInMemoryBus } from './in-memory-bus';
import { matchesRoutingKey } from './bus';

describeEventBusBehaviour('in-memory', { createBus: async () => createInMemoryBus() });

describe('topic matching', () => {
  test.each([
    ['catalog.product.*', 'catalog.product.created.v1', false],
    ['catalog.product.*.*', 'catalog.product.created.v1', true],
    ['catalog.#', 'catalog.product.created.v1', true],
    ['#', 'anything.at.all', true],
    ['#.v1', 'order.order.placed.v1', true],
    ['#.v1', 'order.order.placed.v2', false],
    ['order.#.v1', 'order.v1', true],
    ['*.order.*.v1', 'order.order.placed.v1', true],
    ['*.order.*.v1', 'order.placed.v1', false],
    ['catalog.product.price-changed.v1', 'catalog.product.price-changed.v1', true],
    ['catalog.product.price-changed.v1', 'catalog.product.price-changed.v10', false],
  ])('%s matches %s → %s', (pattern, key, expected) => {
    expect(matchesRoutingKey(pattern, key)).toBe(expected);
  });
});

describeEnvelopeTypes();
