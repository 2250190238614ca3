import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ErrorCode } from '@shop/service-kit';
import { GraphQLError, type ASTVisitor, type ValidationContext, type ValidationRule } from 'graphql';
import { REFUSED_CHARACTERS } from '../http/request-values';

/**
 * Literals the gateway would pass on unchecked: the supergraph's custom scalars (Decimal) accept
 * any value at the BFF, so `maxPrice: 1e309` (Infinity) reached a subgraph and failed there with a
 * 500; a string literal with a NUL reached PostgreSQL (22021). Refused at validation, as variables
 * are by `requestValuesProblem`.
 */
export const literalValuesRule: ValidationRule = (context: ValidationContext): ASTVisitor => ({
  IntValue(node) {
    if (!Number.isSafeInteger(Number(node.value))) context.reportError(new GraphQLError(`Integer ${node.value.slice(0, 40)} is out of range`, { nodes: [node], extensions: { code: ErrorCode.BadUserInput } }));
  },
  FloatValue(node) {
    if (!Number.isFinite(Number(node.value))) context.reportError(new GraphQLError(`Number ${node.value.slice(0, 40)} is not finite`, { nodes: [node], extensions: { code: ErrorCode.BadUserInput } }));
  },
  StringValue(node) {
    if (REFUSED_CHARACTERS.test(node.value)) context.reportError(new GraphQLError('Text must not contain NUL (\\u0000) characters', { nodes: [node], extensions: { code: ErrorCode.BadUserInput } }));
  },
});

/**
 * An operationName the document does not have, or none for a document of several operations, is
 * the client's mistake: 400 BAD_REQUEST, where the gateway's own error was masked as internal.
 */
export function operationResolutionPlugin<Ctx extends BaseContext>(): ApolloServerPlugin<Ctx> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, request }) {
          if (operation) return;
          const message = request.operationName
            ? `Unknown operation named "${String(request.operationName).slice(0, 100)}"`
            : 'The document has several operations: name the one to run in operationName';
          throw new GraphQLError(message, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
        },
      };
    },
  };
}
