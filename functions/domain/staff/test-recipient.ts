import { ValidationError } from '../errors';
import { staffEmail, type StaffMember } from './staff-member';

/**
 * The one address a console test send may go to: a staff member's. A test send mails a release to
 * whatever address it is given, outside any list and its consent, so from the console (where a
 * contributor may send one) it goes to staff only; the admin API's bearer token remains for others.
 *
 * @throws ValidationError (field `address`) for an empty address or one that is not staff's.
 * @example
 * const to = requireStaffRecipient(' Editor@Example.org ', await sessions.members()); // 'editor@example.org'
 */
export function requireStaffRecipient(address: string, staff: readonly Pick<StaffMember, 'email'>[]): string {
  const wanted = staffEmail(address);
  if (!wanted) throw new ValidationError([{ field: 'address', message: 'Enter a staff address' }]);
  if (!staff.some((member) => member.email === wanted)) {
    throw new ValidationError([{ field: 'address', message: 'Test sends go to staff addresses only: enter the address of a console member' }]);
  }
  return wanted;
}
