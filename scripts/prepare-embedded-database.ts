/**
 * Part of `npm ci` (postinstall): makes the dump of an empty embedded PostgreSQL cluster that
 * every new embedded database starts from, so that the first `npm start` does not pay for an
 * initdb per service (seconds of WebAssembly each).
 */
import { prepareEmbeddedTemplate } from '@shop/service-kit/database';

prepareEmbeddedTemplate().then(
  (path) => console.log(`embedded PostgreSQL template ready: ${path}`),
  (err: unknown) => {
    // not fatal: the first start makes it instead
    console.warn(`could not prepare the embedded PostgreSQL template (${(err as Error).message}); the first start will`);
  },
);
