import type { FormattedExecutionResult } from 'graphql';

/**
 * A single-fetch plan's answer (single-fetch.ts) is the subgraph's data unchanged. Parsing the
 * subgraph's JSON only for Apollo Server to write it out again was 9 % of the web BFF's CPU under
 * `browse` (bench/README.md). So an answer that is `{"data":{…}}` alone becomes data that keeps its
 * text: the response is written with that text (`stringifyResult`), and the text is parsed only if
 * something reads the data (a subscription's push, a plugin), once, on first read.
 *
 * The text is trusted as JSON because the subgraph wrote it with `JSON.stringify` and it came whole
 * (status 2xx, a JSON media type, the body's length as framed). An answer holding the key
 * `"errors"` or `"extensions"` anywhere is parsed as before. Text inside a string cannot look like
 * such a key (JSON escapes its quotes), so a top-level one cannot hide from that check; a field
 * aliased so deeper down only costs the parse.
 */
const texts = new WeakMap<object, string>();

const DATA_OBJECT = '{"data":{';

/** The data of an answer that holds data alone, or undefined (then the caller parses it). */
export function forwardedData(answer: string, rootKeys: readonly string[]): Record<string, unknown> | undefined {
  if (!answer.startsWith(DATA_OBJECT) || answer.includes('"errors"') || answer.includes('"extensions"')) return undefined;
  let end = answer.length;
  while (end > 0 && isJsonSpace(answer.charCodeAt(end - 1))) end--;
  if (answer.charCodeAt(end - 1) !== 0x7d /* } */) return undefined;
  const text = answer.slice(DATA_OBJECT.length - 1, end - 1);
  let parsed: Record<string, unknown> | undefined;
  const data: Record<string, unknown> = {};
  for (const key of rootKeys) {
    Object.defineProperty(data, key, { enumerable: true, get: () => (parsed ??= JSON.parse(text) as Record<string, unknown>)[key] });
  }
  texts.set(data, text);
  return data;
}

const isJsonSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/**
 * Apollo Server's `stringifyResult`: its own (`JSON.stringify` and a newline), except that a result
 * that is forwarded data alone is written with the subgraph's text.
 */
export function stringifyResult(result: FormattedExecutionResult): string {
  const text = result.data && result.errors === undefined && result.extensions === undefined ? texts.get(result.data) : undefined;
  return text === undefined ? `${JSON.stringify(result)}\n` : `{"data":${text}}\n`;
}
