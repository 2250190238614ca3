import { forwardedData, stringifyResult } from './forwarded-data';

describe('forwarded data: a subgraph answer that is data alone, written with its own text', () => {
  const answer = '{"data":{"products":{"edges":[{"node":{"id":"p1","name":"Tea \\"green\\"","price":{"amount":"4.50"}}}]},"brands":[]}}\n';

  it('reads as the parsed data, its root keys in order, and is written as the subgraph wrote it', () => {
    const data = forwardedData(answer, ['products', 'brands'])!;
    expect(stringifyResult({ data })).toBe(answer);
    expect(Object.keys(data)).toEqual(['products', 'brands']);
    expect(data).toEqual(JSON.parse(answer).data);
    expect(JSON.stringify({ data })).toBe(answer.trimEnd());
  });

  it('is parsed once, on first read, and only if read', () => {
    const parse = jest.spyOn(JSON, 'parse');
    try {
      const data = forwardedData(answer, ['products', 'brands'])!;
      stringifyResult({ data });
      expect(parse).not.toHaveBeenCalled();
      void data.products;
      void data.brands;
      expect(parse).toHaveBeenCalledTimes(1);
    } finally {
      parse.mockRestore();
    }
  });

  it.each([
    ['errors', '{"errors":[{"message":"no"}],"data":{"products":null}}'],
    ['errors after data', '{"data":{"products":null},"errors":[{"message":"no"}]}'],
    ['extensions', '{"data":{"products":[]},"extensions":{"cost":1}}'],
    ['a field aliased errors (taken for the top-level key: parsing is the safe side)', '{"data":{"products":[{"errors":1}]}}'],
    ['data null', '{"data":null}'],
    ['not an object at the end', '{"data":{"products":['],
    ['another shape', '{"products":[]}'],
  ])('%s: not forwarded (the caller parses it)', (_what, text) => {
    expect(forwardedData(text, ['products'])).toBeUndefined();
  });

  it('a string that says "errors" is data: JSON escapes its quotes, so it is forwarded', () => {
    const text = '{"data":{"products":[{"name":"\\"errors\\": none"}]}}';
    expect(stringifyResult({ data: forwardedData(text, ['products']) })).toBe(`${text}\n`);
  });

  it('a result with errors or extensions, or data of its own, is written by JSON.stringify', () => {
    const data = forwardedData('{"data":{"products":[]}}', ['products'])!;
    expect(stringifyResult({ data, errors: [{ message: 'masked' }] })).toBe('{"data":{"products":[]},"errors":[{"message":"masked"}]}\n');
    expect(stringifyResult({ data, extensions: { cost: 2 } })).toBe('{"data":{"products":[]},"extensions":{"cost":2}}\n');
    expect(stringifyResult({ errors: [{ message: 'no' }] })).toBe('{"errors":[{"message":"no"}]}\n');
  });
});
