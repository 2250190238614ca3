// graphql-ws publishes its server adapter and client as package "exports" subpaths, which the
// repo's `moduleResolution: node` cannot see; Node resolves them at run time. Types only.
declare module 'graphql-ws/use/ws' {
  export * from 'graphql-ws/dist/use/ws';
}
declare module 'graphql-ws/client' {
  export * from 'graphql-ws/dist/client';
}
