import { Parser } from '@asyncapi/parser';
import { allEvents, createAsyncApiDocument, toYaml } from '@shop/events';
import { existsSync, readFileSync } from 'node:fs';
import { ASYNCAPI_PATH, renderAsyncApi } from './asyncapi';

/** The parsed document without what the parser adds (ids, circular markers). */
function withoutParserKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutParserKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([k]) => !k.startsWith('x-parser-')).map(([k, v]) => [k, withoutParserKeys(v)]));
  }
  return value;
}

describe('AsyncAPI document (docs/asyncapi.yaml)', () => {
  test('the committed file is up to date with the contracts (run `npm run asyncapi` when this fails)', () => {
    expect(existsSync(ASYNCAPI_PATH)).toBe(true);
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).toBe(renderAsyncApi());
  });

  test('it is a valid AsyncAPI 3.0 document, one channel, send operation and message per event', async () => {
    const { document, diagnostics } = await new Parser().parse(readFileSync(ASYNCAPI_PATH, 'utf8'));
    expect(diagnostics.filter((d) => d.severity === 0)).toEqual([]); // 0 = error
    expect(document).toBeDefined();
    expect(document!.version()).toBe('3.0.0');
    const channels = document!.channels().all();
    expect(channels.map((c) => c.address()).sort()).toEqual(allEvents.map((c) => c.routingKey).sort());
    for (const contract of allEvents) {
      const message = document!.messages().all().find((m) => m.id() === contract.type);
      expect(message?.payload()?.properties()?.type.const()).toBe(contract.type);
      // every field but the optional ones (added to an event after it shipped) is required
      const shape = (contract.schema as unknown as { shape: Record<string, { safeParse(value: unknown): { success: boolean } }> }).shape;
      const required = Object.keys(shape).filter((field) => !shape[field].safeParse(undefined).success);
      expect(message?.payload()?.properties()?.data.required()).toEqual(required);
      const operation = document!.operations().all().find((o) => o.id() === `${contract.source}Sends${contract.type}`);
      expect(operation?.action()).toBe('send');
      expect(operation?.channels().all().map((c) => c.address())).toEqual([contract.routingKey]);
    }
  });

  test('the YAML reads back as the generated document (payload schemas with their regexes, prose)', async () => {
    const { document } = await new Parser().parse(readFileSync(ASYNCAPI_PATH, 'utf8'));
    const generated = createAsyncApiDocument(allEvents) as {
      info: { description: string };
      components: { messages: Record<string, { payload: unknown }> };
      channels: Record<string, { description: string }>;
    };
    expect(document!.info().description()).toBe(generated.info.description);
    for (const message of document!.messages().all()) {
      expect(withoutParserKeys(message.payload()!.json())).toEqual(generated.components.messages[message.id()].payload);
    }
    for (const channel of document!.channels().all()) {
      expect(channel.description()).toBe(generated.channels[channel.id()].description);
    }
  });

  test('a contract change makes the file stale', () => {
    const [first, ...rest] = allEvents;
    const changed = toYaml(createAsyncApiDocument([{ ...first, description: `${first.description} (changed)` }, ...rest]));
    expect(readFileSync(ASYNCAPI_PATH, 'utf8')).not.toContain(changed.split('\n').find((l) => l.includes('(changed)')));
  });
});

describe('toYaml', () => {
  test.each([
    ['plain words stay plain', { a: 'hello world' }, 'a: hello world'],
    ['numbers-looking strings are quoted', { v: '1.0.0' }, 'v: "1.0.0"'],
    ['YAML keywords are quoted', { a: 'yes', b: 'null' }, 'a: "yes"\nb: "null"'],
    ['colons, quotes and hashes are quoted', { a: "it's: #1" }, 'a: "it\'s: #1"'],
    ['empty containers', { a: [], b: {} }, 'a: []\nb: {}'],
    ['lists of objects', { l: [{ a: 1, b: true }, 'z'] }, 'l:\n  - a: 1\n    b: true\n  - z'],
    ['one-letter booleans of YAML 1.1 are quoted', { y: 'n' }, '"y": "n"'],
    ['multi-line prose as a literal block', { d: 'one\n\ntwo' }, 'd: |-\n  one\n\n  two'],
  ])('%s', (_label, value, expected) => {
    expect(toYaml(value)).toBe(expected);
  });
});
