import { SessionsService } from '../../services/sessions';
import type { ServiceFactory } from '../compose';

/** Staff sign-in over the staff stores; the sign-in email comes from the system-emails part. */
export const sessionsService: ServiceFactory<'sessions'> = (adapters) =>
  new SessionsService({
    staff: adapters.staff,
    links: adapters.signInLinks,
    sessions: adapters.staffSessions,
    rateLimiter: adapters.rateLimiter,
    mailer: adapters.mailer,
    signInEmails: adapters.systemEmails,
    sender: adapters.sender,
    clock: adapters.clock,
  });
