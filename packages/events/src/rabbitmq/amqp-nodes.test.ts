import { parseAmqpNodes, redactAmqpUrl } from './amqp-nodes';

describe('AMQP_URL with one node or several', () => {
  it('one node: the URL as given, the node with its port', () => {
    expect(parseAmqpNodes('amqp://guest:guest@127.0.0.1:5672')).toEqual({ url: 'amqp://guest:guest@127.0.0.1:5672', hosts: ['127.0.0.1:5672'] });
    expect(parseAmqpNodes('amqps://u:p@rabbit/shop')).toEqual({ url: 'amqps://u:p@rabbit:5671/shop', hosts: ['rabbit:5671'] });
  });

  it('a cluster: the nodes in order, credentials, vhost and options written once', () => {
    expect(parseAmqpNodes('amqp://u:p@rabbit-1:5672,rabbit-2,rabbit-3:5673/shop?heartbeat=10')).toEqual({
      url: 'amqp://u:p@rabbit-1:5672/shop?heartbeat=10',
      hosts: ['rabbit-1:5672', 'rabbit-2:5672', 'rabbit-3:5673'],
    });
    expect(parseAmqpNodes('amqp://[::1]:5672,[::1]:5673').hosts).toEqual(['[::1]:5672', '[::1]:5673']);
  });

  it.each([['http://rabbit:5672'], ['amqp://'], ['amqp://u:p@a:5672,,b:5672'], ['amqp://u:p@a:99999'], ['amqp://u:p@a b:5672']])('%s is refused, saying why', (text) => {
    expect(() => parseAmqpNodes(text)).toThrow(/AMQP_URL/);
  });

  it('logs never show the password', () => {
    expect(redactAmqpUrl('amqp://shop:s3cret@a:5672,b:5672/v')).toBe('amqp://shop:***@a:5672,b:5672/v');
  });
});
