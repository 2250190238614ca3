import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { openAnswerBook, requestFingerprint } from './idempotency';

const logger = pino({ level: 'silent' });

describe('answers under idempotency keys', () => {
  it('the same request whatever the order of its fields → the same fingerprint; another body or path → another', () => {
    const a = requestFingerprint('POST', '/v1/authorizations', { amount: '1.00', token: 't' });
    expect(requestFingerprint('POST', '/v1/authorizations', { token: 't', amount: '1.00' })).toBe(a);
    expect(requestFingerprint('POST', '/v1/authorizations', { token: 't', amount: '1.01' })).not.toBe(a);
    expect(requestFingerprint('POST', '/v1/authorizations/x/capture', { token: 't', amount: '1.00' })).not.toBe(a);
  });

  it('new → recorded → replayed for the same request, conflict for another; kept across a reopen', () => {
    const dir = mkdtempSync(join(tmpdir(), 'answers-'));
    const book = openAnswerBook(dir, logger);
    expect(book.recall('k1', 'R')).toEqual({ kind: 'new' });
    book.record({ idempotencyKey: 'k1', request: 'R', status: 201, body: { id: 'auth_1' }, at: '2026-12-01T00:00:00.000Z' });
    expect(book.recall('k1', 'R')).toMatchObject({ kind: 'replay', record: { status: 201, body: { id: 'auth_1' } } });
    expect(book.recall('k1', 'other')).toEqual({ kind: 'conflict' });
    const reopened = openAnswerBook(dir, logger);
    expect(reopened.find('k1')).toMatchObject({ status: 201, body: { id: 'auth_1' } });
  });
});
