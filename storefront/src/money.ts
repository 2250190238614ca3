/** Money as the contract sends it: a decimal string and a currency. Numbers only for display. */
export interface Money {
  amount: string;
  currencyCode: string;
}

const formats = new Map<string, Intl.NumberFormat>();

export function formatMoney(money: Money): string {
  let format = formats.get(money.currencyCode);
  if (!format) {
    format = new Intl.NumberFormat('en-IE', { style: 'currency', currency: money.currencyCode });
    formats.set(money.currencyCode, format);
  }
  return format.format(Number(money.amount));
}

/** A decimal string with two fraction digits as the BFF expects ("19.9" → "19.90"), or null if it is not a price. */
export function toDecimal(text: string): string | null {
  const t = text.trim().replace(',', '.');
  if (!/^\d+(\.\d{1,2})?$/.test(t)) return null;
  return Number(t).toFixed(2);
}
