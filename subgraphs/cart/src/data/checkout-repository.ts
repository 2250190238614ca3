import type { CartTx } from './prisma';

/** The order a customer's earlier checkout with this key opened, if any. */
export async function findCheckout(tx: CartTx, customerId: string, idempotencyKey: string): Promise<{ orderId: string } | null> {
  return tx.checkout.findUnique({ where: { customerId_idempotencyKey: { customerId, idempotencyKey } }, select: { orderId: true } });
}

/** Records an answered checkout; a second row for the same customer + key violates the primary key. */
export async function recordCheckout(
  tx: CartTx,
  checkout: { customerId: string; idempotencyKey: string; orderId: string; cartId: string; createdAt: Date },
): Promise<void> {
  await tx.checkout.create({ data: checkout });
}
