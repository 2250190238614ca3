/// <reference types="node" />
/**
 * The payment step's card handling: `node --import tsx --test storefront/src/card-payment.test.ts`
 * (npm test runs it through scripts/storefront-units.test.ts).
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { readCardForm, readCardToken, TEST_CARDS, tokenizeCard } from './card-payment';

const now = new Date('2026-12-06T12:00:00Z');

describe('reading the card form', () => {
  it('spaces and dashes in the number, MM/YY and MM/YYYY expiries → the provider form', () => {
    assert.deepEqual(readCardForm({ number: '4242 4242-4242 4242', expiry: '12/30', cvc: '123' }, now), { card: { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' } });
    assert.deepEqual(readCardForm({ number: '4000000000000002', expiry: ' 3 / 2031 ', cvc: '1234' }, now), { card: { number: '4000000000000002', expMonth: 3, expYear: 2031, cvc: '1234' } });
  });

  it('the current month is still valid; last month has expired', () => {
    assert.ok('card' in readCardForm({ number: '4242424242424242', expiry: '12/26', cvc: '123' }, now));
    assert.deepEqual(readCardForm({ number: '4242424242424242', expiry: '11/26', cvc: '123' }, now), { problems: [{ field: 'expiry', message: 'This card has expired.' }] });
  });

  it('one problem per bad field, in the form order', () => {
    const result = readCardForm({ number: '4242 abc', expiry: '13/30', cvc: '12' }, now);
    assert.ok('problems' in result);
    assert.deepEqual(result.problems.map((p) => p.field), ['number', 'expiry', 'cvc']);
    assert.deepEqual(readCardForm({ number: '', expiry: '1230', cvc: '' }, now), {
      problems: [
        { field: 'number', message: 'Enter the card number: 12 to 19 digits.' },
        { field: 'expiry', message: 'Enter the expiry date as MM/YY.' },
        { field: 'cvc', message: 'Enter the 3 or 4 digits of the security code.' },
      ],
    });
  });

  it('every listed test card reads as a card', () => {
    for (const t of TEST_CARDS) assert.ok('card' in readCardForm({ number: t.number, expiry: '12/30', cvc: '123' }, now), t.number);
  });
});

describe("reading the provider's token answer", () => {
  it('token, brand and four last digits; anything else is not an answer', () => {
    assert.deepEqual(readCardToken({ token: 'tok_1', brand: 'visa', last4: '4242', extra: 1 }), { token: 'tok_1', brand: 'visa', last4: '4242' });
    assert.equal(readCardToken({ token: '', brand: 'visa', last4: '4242' }), null);
    assert.equal(readCardToken({ token: 'tok_1', brand: 'visa', last4: '42' }), null);
    assert.equal(readCardToken('tok_1'), null);
  });
});

describe('tokenizing at a provider', () => {
  // a stand-in provider on a free port: answers what the test sets and keeps what it was sent
  let reply: { status: number; body: string } = { status: 201, body: '{}' };
  const received: { url: string; method: string; contentType: string | undefined; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ url: req.url ?? '', method: req.method ?? '', contentType: req.headers['content-type'], body });
      res.writeHead(reply.status, { 'content-type': 'application/json' });
      res.end(reply.body);
    });
  });
  let url = '';
  before(async () => {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const card = { number: '4242424242424242', expMonth: 12, expYear: 2030, cvc: '123' };

  it('201 → the token; the card is posted as JSON to /v1/tokens', async () => {
    reply = { status: 201, body: JSON.stringify({ token: 'tok_abc', brand: 'visa', last4: '4242' }) };
    assert.deepEqual(await tokenizeCard(url, card), { kind: 'token', card: { token: 'tok_abc', brand: 'visa', last4: '4242' } });
    const last = received.at(-1)!;
    assert.equal(last.method, 'POST');
    assert.equal(last.url, '/v1/tokens');
    assert.equal(last.contentType, 'application/json');
    assert.deepEqual(JSON.parse(last.body), card);
  });

  it("400 → refused with the provider's message", async () => {
    reply = { status: 400, body: JSON.stringify({ error: { message: 'The card number is not valid.' } }) };
    assert.deepEqual(await tokenizeCard(url, card), { kind: 'refused', message: 'The payment provider did not accept the card: The card number is not valid.' });
  });

  it('5xx, a body that is not a token, or nobody listening → unreachable, nothing thrown', async () => {
    reply = { status: 503, body: '{}' };
    assert.equal((await tokenizeCard(url, card)).kind, 'unreachable');
    reply = { status: 201, body: 'not json' };
    assert.equal((await tokenizeCard(url, card)).kind, 'unreachable');
    assert.equal((await tokenizeCard('http://127.0.0.1:1', card)).kind, 'unreachable');
  });
});
