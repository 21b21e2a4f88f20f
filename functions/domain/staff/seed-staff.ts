import type { StaffDirectory } from './ports';
import type { StaffRole } from './staff-member';

/**
 * Adds the configured first staff (`PRESSROOM_STAFF`, CDK context `staff`) who are not staff yet,
 * as the configured lists are seeded: at cold start, never changing a member that exists.
 *
 * @example
 * await seedStaff(new Map([['admin@example.org', 'admin']]), directory, new Date());
 */
export async function seedStaff(staff: ReadonlyMap<string, StaffRole>, directory: StaffDirectory, now: Date): Promise<void> {
  await Promise.all([...staff].map(([email, role]) => directory.addIfAbsent({ email, role, addedAt: now.toISOString() })));
}
