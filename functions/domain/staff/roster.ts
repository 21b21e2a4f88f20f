/**
 * Managing staff (admins, on the staff page): adding a member with a role, changing a role,
 * removing a member. The last admin can be neither demoted nor removed, so someone can always
 * manage staff.
 */
import { ConflictError, NotFoundError, ValidationError } from '../errors';
import type { Clock } from '../ports';
import type { StaffRoster } from './ports';
import { isStaffRole, staffEmail, type StaffMember, type StaffRole } from './staff-member';

export interface RosterDeps {
  staff: StaffRoster;
  clock: Clock;
}

function parseRole(role: string): StaffRole {
  if (!isStaffRole(role)) throw new ValidationError([{ field: 'role', message: 'Choose contributor, editor or admin.' }], 'Invalid role');
  return role;
}

/**
 * Adds a member.
 *
 * @example
 * await addMember({ email: 'New@Example.org', role: 'editor' }, deps); // stored as new@example.org
 * @throws ValidationError for a bad address or role; ConflictError when the address is staff already.
 */
export async function addMember(request: { email: string; role: string }, deps: RosterDeps): Promise<StaffMember> {
  const email = staffEmail(request.email);
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) || email.length > 254) {
    throw new ValidationError([{ field: 'email', message: 'Enter an email address like name@example.org.' }], 'Invalid member');
  }
  const member = { email, role: parseRole(request.role), addedAt: deps.clock.now().toISOString() };
  if (!(await deps.staff.addIfAbsent(member))) throw new ConflictError(`${email} is staff already`);
  return member;
}

/**
 * The refusal for a change that would leave no admin. Reads every member: staff are a few dozen.
 * Two admins demoting each other at the same instant could both pass; the window is a request long
 * and the shared admin token remains to recover.
 */
async function keepAnAdmin(email: string, deps: RosterDeps): Promise<StaffMember> {
  const members = await deps.staff.list();
  const member = members.find((m) => m.email === email);
  if (!member) throw new NotFoundError('No such member');
  if (member.role === 'admin' && members.filter((m) => m.role === 'admin').length === 1) {
    throw new ConflictError('The last admin cannot be removed or demoted: make someone else admin first');
  }
  return member;
}

/**
 * Changes a member's role; it applies at their next request.
 *
 * @example
 * await changeRole({ email: 'editor@example.org', role: 'admin' }, deps);
 * @throws ValidationError for an unknown role; NotFoundError for a non-member; ConflictError when it would demote the last admin.
 */
export async function changeRole(request: { email: string; role: string }, deps: RosterDeps): Promise<void> {
  const role = parseRole(request.role);
  const email = staffEmail(request.email);
  if (role !== 'admin') await keepAnAdmin(email, deps);
  if (!(await deps.staff.setRole(email, role))) throw new NotFoundError('No such member');
}

/**
 * Removes a member: their sessions and tokens stop working at once.
 *
 * @example
 * await removeMember('editor@example.org', deps);
 * @throws NotFoundError for a non-member; ConflictError for the last admin.
 */
export async function removeMember(address: string, deps: RosterDeps): Promise<void> {
  const email = staffEmail(address);
  await keepAnAdmin(email, deps);
  await deps.staff.remove(email);
}
