import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '@shop/service-kit';
import { openJournal } from './journal';

/** A final answer the provider gave under an idempotency key: replayed for the same request, forever. */
const answerRecordSchema = z.object({
  idempotencyKey: z.string(),
  /** `POST /v1/authorizations` + the body's canonical hash: what "the same request" means */
  request: z.string(),
  status: z.number().int(),
  body: z.unknown(),
  at: z.string(),
});
export type AnswerRecord = z.infer<typeof answerRecordSchema>;

export type Recall = { kind: 'new' } | { kind: 'replay'; record: AnswerRecord } | { kind: 'conflict' };

export interface AnswerBook {
  /** what to do with a request under `key`: new, the recorded answer again, or a conflict (same key, other request) */
  recall(key: string, request: string): Recall;
  /** the recorded answer under `key` (GET /v1/operations) */
  find(key: string): AnswerRecord | undefined;
  record(record: AnswerRecord): void;
}

/** What makes two requests the same: method, path and the body's fields whatever their order. */
export function requestFingerprint(method: string, path: string, body: unknown): string {
  return `${method} ${path} ${createHash('sha256').update(canonicalJson(body)).digest('hex')}`;
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The answers under idempotency keys (operations.jsonl), append-only: a restart still replays them. */
export function openAnswerBook(dataDir: string, logger: Logger): AnswerBook {
  const journal = openJournal(dataDir, 'operations', (v) => answerRecordSchema.parse(v), logger);
  const byKey = new Map(journal.records.map((r) => [r.idempotencyKey, r]));
  return {
    recall(key, request) {
      const record = byKey.get(key);
      if (!record) return { kind: 'new' };
      return record.request === request ? { kind: 'replay', record } : { kind: 'conflict' };
    },
    find: (key) => byKey.get(key),
    record(record) {
      journal.append(record);
      byKey.set(record.idempotencyKey, record);
    },
  };
}
