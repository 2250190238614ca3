// The graphql-free kernel domain code builds on: money and the shop's errors.
export * from './domain-errors';
export * from './money';
