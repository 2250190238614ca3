import { z } from 'zod';

/** "19.99": exact decimal with two fraction digits, never a float */
export const amount = z.string().regex(/^-?\d{1,13}\.\d{2}$/, 'amount must be a decimal string with two fraction digits');
export const id = z.string().min(1).max(128);
export const uuid = z.uuid();
export const quantity = z.number().int().positive();
export const isoTime = z.iso.datetime({ offset: true });
