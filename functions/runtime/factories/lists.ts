import { ListsService } from '../../services/lists';
import type { Adapters } from '../adapters';

/** The lists service over the adapters; the releases and subscribers services take it as their list directory. */
export const listsService = (adapters: Pick<Adapters, 'lists' | 'subscribers' | 'clock'>): ListsService =>
  new ListsService({ lists: adapters.lists, subscribers: adapters.subscribers, clock: adapters.clock });
