import * as z from 'zod';
import { ValidationError } from '../errors';
import { toFieldIssues } from '../field-issues';
import { welcomeInput, type ListWelcome } from './welcome';

/**
 * A list subscribers join and releases target. Public lists are offered on the sign-up form and in
 * the preference centre; private ones only take staff imports. Archived lists take no new members
 * and no new releases, but keep their history.
 */
export interface MailingList {
  id: string;
  name: string;
  description?: string;
  public: boolean;
  archived: boolean;
  /** The welcome email new members get (welcome.ts); none when absent. */
  welcome?: ListWelcome;
  createdAt: string;
  updatedAt: string;
}

export const LIST_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

const listInput = z
  .object({
    id: z
      .string()
      .regex(LIST_ID, 'use lower-case letters, digits and hyphens (at most 64)')
      // `/feeds/all.rss` is the feed of every release; a list called `all` could never have its own.
      .refine((id) => id !== 'all', '"all" is reserved for the feed of all releases'),
    name: z.string().trim().min(1).max(100).refine((s) => !/[\r\n<>]/.test(s), 'must not contain line breaks or angle brackets'),
    description: z.string().trim().max(500).optional(),
    public: z.boolean().optional(),
  })
  .strict();

// `welcome: null` removes a list's welcome.
const listChanges = listInput
  .omit({ id: true })
  .extend({ archived: z.boolean().optional(), welcome: welcomeInput.nullable().optional() })
  .partial()
  .strict();

export type ListInput = z.infer<typeof listInput>;
export type ListChanges = z.infer<typeof listChanges>;

/** @throws ValidationError naming each bad field. */
export function parseListInput(body: unknown): ListInput {
  const parsed = listInput.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid list');
  return parsed.data;
}

/** @throws ValidationError naming each bad field. */
export function parseListChanges(body: unknown): ListChanges {
  const parsed = listChanges.safeParse(body);
  if (!parsed.success) throw new ValidationError(toFieldIssues(parsed.error), 'Invalid list changes');
  return parsed.data;
}

/** Lists a release or an import may target: every list that is not archived. */
export function activeListIds(lists: MailingList[]): Set<string> {
  return new Set(lists.filter((l) => !l.archived).map((l) => l.id));
}

/** Lists a subscriber may join by themselves. */
export function publicLists(lists: MailingList[]): MailingList[] {
  return lists.filter((l) => l.public && !l.archived);
}
