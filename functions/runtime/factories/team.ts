import { TeamService } from '../../services/team';
import type { ServiceFactory } from '../compose';

/** Staff management and personal API tokens, over the staff stores. */
export const teamService: ServiceFactory<'team'> = (adapters) => new TeamService({ staff: adapters.staff, tokens: adapters.apiTokens, clock: adapters.clock });
