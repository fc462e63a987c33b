/**
 * The static list of schema migrations, run by Kysely's `Migrator` at boot and by the CLI.
 * A static list (rather than Kysely's FileMigrationProvider) works the same under tsx, a bundle and tests,
 * and keeps the order explicit. Append new migrations; never edit or reorder applied ones.
 */
import type { Migration, MigrationProvider } from 'kysely';
import { migration0001Init } from './0001_init.js';
import { migration0002Recordings } from './0002_recordings.js';
import { migration0003Live } from './0003_live.js';
import { migration0004Focus } from './0004_focus.js';
import { migration0005DialinReleases } from './0005_dialin_releases.js';
import { migration0006Housekeeping } from './0006_housekeeping.js';

/** Every migration by name. Kysely applies them in name order, so names start with a zero-padded number. */
export const migrations: Readonly<Record<string, Migration>> = Object.freeze({
  '0001_init': migration0001Init,
  '0002_recordings': migration0002Recordings,
  '0003_live': migration0003Live,
  '0004_focus': migration0004Focus,
  '0005_dialin_releases': migration0005DialinReleases,
  '0006_housekeeping': migration0006Housekeeping,
});

/** A `MigrationProvider` over the static list above. */
export class StaticMigrationProvider implements MigrationProvider {
  /** Returns the static migration list. */
  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...migrations };
  }
}
