import Module, { isBuiltin } from 'node:module';

type ResolveFilename = (request: string, ...rest: unknown[]) => string;
const modules = Module as unknown as { _resolveFilename: ResolveFilename };
let installed = false;

/**
 * Lets `require('crypto')` and every other built-in module skip the TypeScript runtime's resolver.
 *
 * Every service runs under tsx, whose resolver wraps Node's: each `require` goes through its
 * tsconfig and extension lookups before Node's own first check, "is it built in?". Apollo Server
 * calls `module.require('crypto')` on every request (`@apollo/utils.createhash`, for the query's
 * hash), and that lookup alone was 2.3 % of the web BFF's CPU under the bench's `browse` and 1.8 %
 * of the subgraphs' (bench/README.md). Built-ins resolve to themselves, as Node resolves them
 * (they win over any package of the same name); everything else still goes through tsx.
 * Call once, first thing in a process's entry; calling again changes nothing.
 */
export function resolveBuiltinModulesFirst(): void {
  if (installed) return;
  installed = true;
  const resolve = modules._resolveFilename;
  modules._resolveFilename = function resolveFilename(this: unknown, request, ...rest) {
    return isBuiltin(request) ? request : resolve.call(this, request, ...rest);
  };
}
