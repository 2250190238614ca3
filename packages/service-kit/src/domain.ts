// The graphql-free kernel domain code builds on: money, the shop's errors and who is calling.
export * from './domain-errors';
export * from './money';
export * from './viewer';
