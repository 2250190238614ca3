import { GraphQLError } from 'graphql';
import { DomainError, ErrorCode, userError, type UserError } from './domain-errors';

/** Runs a mutation body; a DomainError becomes `{ userErrors: [...] }`, anything else propagates. */
export async function withUserErrors<T extends object>(
  run: () => Promise<T>,
  onError: (errors: UserError[]) => T | Promise<T>,
): Promise<T & { userErrors: UserError[] }> {
  try {
    const result = await run();
    return { userErrors: [], ...result };
  } catch (e) {
    if (e instanceof DomainError) {
      const errors = [userError(e.code, e.message, e.field)];
      return { ...(await onError(errors)), userErrors: errors };
    }
    throw e;
  }
}

export const unauthenticated = (message = 'Sign in to do this') =>
  new GraphQLError(message, { extensions: { code: ErrorCode.Unauthenticated, http: { status: 401 } } });

export const forbidden = (message = 'You are not allowed to do this') =>
  new GraphQLError(message, { extensions: { code: ErrorCode.Forbidden, http: { status: 403 } } });

export const badUserInput = (message: string, argumentName?: string) =>
  new GraphQLError(message, { extensions: { code: ErrorCode.BadUserInput, argumentName } });

export const notFound = (message: string) => new GraphQLError(message, { extensions: { code: ErrorCode.NotFound } });
