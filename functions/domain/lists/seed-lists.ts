import type { ListStore } from './ports';

/**
 * Creates the lists named in configuration when they do not exist yet. Existing lists are left as
 * staff shaped them: configuration only seeds.
 */
export async function seedLists(configured: ReadonlyMap<string, string>, lists: ListStore, now: Date): Promise<void> {
  const at = now.toISOString();
  for (const [id, name] of configured) {
    await lists.create({ id, name, public: true, archived: false, createdAt: at, updatedAt: at });
  }
}
