/**
 * The queues every RabbitMQ bus declares up front (SERVICE_QUEUES, from each subgraph's `consumes`
 * in the list of services) must be exactly what each subgraph consumes, or an event would be bound
 * to a queue nobody reads, or missed on a fresh broker.
 */
import { SERVICE_QUEUES } from '@shop/events';
import { SUBGRAPH_NAMES, SUBGRAPHS } from '@shop/services';
import { subgraphDefinition } from './subgraphs';

describe('declared queue topology', () => {
  it('has a queue for every subgraph of the list that consumes events, and no other', () => {
    expect(Object.keys(SERVICE_QUEUES).sort()).toEqual(SUBGRAPHS.filter((s) => s.consumes.length > 0).map((s) => s.name).sort());
  });

  it.each(SUBGRAPH_NAMES)('%s consumes exactly the events its queue is bound to (none: no queue)', (service) => {
    // the handler factories only close over their deps; building the list runs no handler
    const consumed = subgraphDefinition(service).subscriptions({});
    const bound = (SERVICE_QUEUES[service] ?? []).map((c) => c.routingKey).sort();
    expect(consumed.map((s: { definition: { routingKey: string } }) => s.definition.routingKey).sort()).toEqual(bound);
  });
});
