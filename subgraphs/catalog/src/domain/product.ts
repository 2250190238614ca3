import { formatCents, toCents, type Cents } from '@shop/service-kit/domain';
import { badInput } from './errors';

/**
 * The rules of a product's data: what a valid new product is, how its price and stock may
 * change. Pure functions; the use-cases load, call them, and save.
 */

/** numeric(12,2) holds at most 9,999,999,999.99 */
export const MAX_PRICE_CENTS: Cents = 999_999_999_999;
/** available_quantity is a PostgreSQL integer */
export const MAX_STOCK = 2_147_483_647;

export interface NewProductInput {
  sku: string;
  name: string;
  description?: string | null;
  brandId: string;
  categoryId: string;
  price: string;
  initialStock: number;
  imageUrl?: string | null;
}

/** A new product that passed every rule: trimmed, SKU normalised, price in cents. */
export interface ProductDraft {
  sku: string;
  name: string;
  description: string | null;
  brandId: string;
  categoryId: string;
  priceCents: Cents;
  availableQuantity: number;
  imageUrl: string | null;
}

const SKU = /^[A-Z0-9][A-Z0-9._-]{0,63}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const isUuid = (value: unknown): value is string => typeof value === 'string' && UUID.test(value);

/** SKUs are compared upper-case: "mug-1" and "MUG-1" are the same SKU. */
export function normalizeSku(sku: string): string {
  return sku.trim().toUpperCase();
}

/** Checks every field of a new product; the first broken rule is thrown as BAD_INPUT with its field. */
export function validateNewProduct(input: NewProductInput): ProductDraft {
  const sku = normalizeSku(input.sku);
  if (!SKU.test(sku)) {
    throw badInput('SKU must be 1–64 letters, digits, ".", "_" or "-", starting with a letter or digit', 'input.sku');
  }
  const name = input.name.trim();
  if (name.length === 0 || name.length > 200) throw badInput('Name must be 1–200 characters', 'input.name');
  const description = input.description?.trim() || null;
  if (description !== null && description.length > 5000) {
    throw badInput('Description must be at most 5000 characters', 'input.description');
  }
  if (!isUuid(input.brandId)) throw badInput(`Unknown brand ${input.brandId}`, 'input.brandId');
  if (!isUuid(input.categoryId)) throw badInput(`Unknown category ${input.categoryId}`, 'input.categoryId');
  const priceCents = validatePrice(input.price, 'input.price');
  if (!Number.isInteger(input.initialStock) || input.initialStock < 0) {
    throw badInput('Initial stock must be a whole number of at least 0', 'input.initialStock');
  }
  if (input.initialStock > MAX_STOCK) throw badInput(`Initial stock must be at most ${MAX_STOCK}`, 'input.initialStock');
  return {
    sku,
    name,
    description,
    brandId: input.brandId.toLowerCase(),
    categoryId: input.categoryId.toLowerCase(),
    priceCents,
    availableQuantity: input.initialStock,
    imageUrl: validateImageUrl(input.imageUrl),
  };
}

/** A price is a decimal with at most two fraction digits, 0.00 or more. */
export function validatePrice(price: string, field: string): Cents {
  let cents: Cents;
  try {
    cents = toCents(price);
  } catch {
    throw badInput(`Price must be a decimal like "19.99"; got "${price}"`, field);
  }
  if (cents < 0) throw badInput('Price must not be negative', field);
  if (cents > MAX_PRICE_CENTS) throw badInput(`Price must be at most ${formatCents(MAX_PRICE_CENTS)}`, field);
  return cents;
}

function validateImageUrl(imageUrl: string | null | undefined): string | null {
  const text = imageUrl?.trim();
  if (!text) return null;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw badInput('Image URL must be an absolute http(s) URL', 'input.imageUrl');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw badInput('Image URL must be an absolute http(s) URL', 'input.imageUrl');
  if (text.length > 2048) throw badInput('Image URL must be at most 2048 characters', 'input.imageUrl');
  return text;
}

/** A change to apply, or `null` when the request changes nothing (same price). */
export function decidePriceChange(current: { priceCents: Cents }, newPrice: string): { priceCents: Cents } | null {
  const priceCents = validatePrice(newPrice, 'price');
  return priceCents === current.priceCents ? null : { priceCents };
}

/**
 * The stock after an admin's adjustment. Never below zero: removing more than is available is
 * refused whole (nothing changes), not clamped.
 */
export function decideStockAdjustment(current: { name: string; availableQuantity: number }, delta: number): { availableQuantity: number } {
  if (!Number.isInteger(delta) || delta === 0) throw badInput('Delta must be a whole number other than 0', 'delta');
  const availableQuantity = current.availableQuantity + delta;
  if (availableQuantity < 0) {
    throw badInput(
      `Only ${current.availableQuantity} of '${current.name}' in stock; cannot remove ${-delta}`,
      'delta',
    );
  }
  if (availableQuantity > MAX_STOCK) throw badInput(`Stock must stay at most ${MAX_STOCK}`, 'delta');
  return { availableQuantity };
}
