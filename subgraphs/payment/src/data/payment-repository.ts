import type { Sql } from '@shop/service-kit/database';

/** A stored payment. */
export interface PaymentRecord {
  id: string;
  name: string;
  createdAt: Date;
}

/** The payments table: what the use-cases may ask of it. */
export interface PaymentRepository {
  insert(payment: PaymentRecord): Promise<PaymentRecord>;
  /** the newest first */
  newest(take: number): Promise<PaymentRecord[]>;
  byIds(ids: readonly string[]): Promise<PaymentRecord[]>;
}

/** A row of payments, as the statements below select it. */
interface PaymentRow {
  id: string;
  name: string;
  created_at: Date;
}

const COLUMNS = 'id::text AS id, name, created_at';

/** The one mapper of the table. */
const toPayment = (row: PaymentRow): PaymentRecord => ({ id: row.id, name: row.name, createdAt: row.created_at });

export function paymentRepository(sql: Sql): PaymentRepository {
  return {
    async insert(payment) {
      const [row] = await sql.query<PaymentRow>(`INSERT INTO payments (id, name, created_at) VALUES ($1::uuid, $2, $3) RETURNING ${COLUMNS}`, [
        payment.id,
        payment.name,
        payment.createdAt,
      ]);
      return toPayment(row);
    },
    async newest(take) {
      return (await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments ORDER BY created_at DESC, id LIMIT $1`, [take])).map(toPayment);
    },
    async byIds(ids) {
      return (await sql.query<PaymentRow>(`SELECT ${COLUMNS} FROM payments WHERE id = ANY($1::uuid[])`, [[...ids]])).map(toPayment);
    },
  };
}
