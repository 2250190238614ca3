import { join } from 'node:path';

export * from './contract';
export * from './contracts';
export * from './envelope';

/** SQL migrations of the backbone's own tables (outbox, inbox, consumer versions); every service applies them first. */
export const EVENTS_MIGRATIONS_DIR = join(__dirname, '..', 'migrations');
