import { join } from 'node:path';

export * from './asyncapi';
export * from './bus';
export * from './consumers';
export * from './event-definition';
export * from './definitions';
export * from './envelope';
export * from './faults';
export * from './in-memory-bus';
export * from './inbox';
export * from './metrics';
export * from './outbox';
export * from './outbox-relay';
export * from './service-events';

/** SQL migrations of the backbone's own tables (outbox, inbox, consumer versions); every service applies them first. */
export const EVENTS_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
export * from './topology';
