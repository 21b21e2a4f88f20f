import { ValidationError } from '../errors';

/**
 * Staff roles, each allowing what the one before it does and more: a contributor prepares releases,
 * an editor also publishes and controls sends, an admin also manages lists, subscribers and staff.
 */
export const StaffRole = {
  Contributor: 'contributor',
  Editor: 'editor',
  Admin: 'admin',
} as const;
export type StaffRole = (typeof StaffRole)[keyof typeof StaffRole];

const RANK: Record<StaffRole, number> = { contributor: 1, editor: 2, admin: 3 };

export const STAFF_ROLES = Object.values(StaffRole);

export interface StaffMember {
  /** Lower-cased: the one spelling a sign-in is looked up by. */
  email: string;
  role: StaffRole;
  addedAt: string;
}

/**
 * Whether `role` allows what `needed` allows.
 *
 * @example
 * hasRole('admin', 'editor'); // true
 * hasRole('contributor', 'editor'); // false
 */
export function hasRole(role: StaffRole, needed: StaffRole): boolean {
  return RANK[role] >= RANK[needed];
}

export const isStaffRole = (value: string): value is StaffRole => value in RANK;

/** The spelling staff are stored and looked up under: addresses are case-insensitive in practice. */
export const staffEmail = (address: string): string => address.trim().toLowerCase();

/**
 * Parses the first staff, as `PRESSROOM_STAFF` and the CDK context `staff` give them.
 *
 * @example
 * parseStaff('admin@example.org=admin, editor@example.org=editor');
 * // Map { 'admin@example.org' => 'admin', 'editor@example.org' => 'editor' }
 * @throws ValidationError naming each entry that is not `address=role` with a known role.
 */
export function parseStaff(spec: string): Map<string, StaffRole> {
  const staff = new Map<string, StaffRole>();
  const issues = [];
  for (const [i, entry] of spec.split(',').map((s) => s.trim()).filter(Boolean).entries()) {
    const [address = '', role = ''] = entry.split('=').map((s) => s.trim());
    if (!/^[^\s@=]+@[^\s@=]+\.[^\s@=]+$/.test(address)) issues.push({ field: `staff.${i}`, message: `"${entry}" has no valid address (address=role)` });
    else if (!isStaffRole(role)) issues.push({ field: `staff.${i}`, message: `"${entry}": the role must be one of ${STAFF_ROLES.join(', ')}` });
    else staff.set(staffEmail(address), role);
  }
  if (issues.length) throw new ValidationError(issues, 'Invalid staff');
  return staff;
}
