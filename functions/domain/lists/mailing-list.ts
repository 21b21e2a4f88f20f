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
  /** The name in other languages, by lower-case language tag (`{ es: 'Comunicados de prensa' }`): see {@link listIn}. */
  names?: Record<string, string>;
  /** The description in other languages, likewise. */
  descriptions?: Record<string, string>;
  public: boolean;
  archived: boolean;
  /** The welcome email new members get (welcome.ts); none when absent. */
  welcome?: ListWelcome;
  createdAt: string;
  updatedAt: string;
}

export const LIST_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;

const listName = z.string().trim().min(1).max(100).refine((s) => !/[\r\n<>]/.test(s), 'must not contain line breaks or angle brackets');
const listDescription = z.string().trim().max(500);
// Keys are compared lower-case (a reader's `es-MX` finds `es`), so they are stored that way.
const languageKey = z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$/, 'must be a language tag such as es or pt-BR').transform((k) => k.toLowerCase());
const perLanguage = <T extends z.ZodType<string>>(text: T) => z.record(languageKey, text).refine((m) => Object.keys(m).length <= 20, 'at most 20 languages');

const listInput = z
  .object({
    id: z
      .string()
      .regex(LIST_ID, 'use lower-case letters, digits and hyphens (at most 64)')
      // `/feeds/all.rss` is the feed of every release; a list called `all` could never have its own.
      .refine((id) => id !== 'all', '"all" is reserved for the feed of all releases'),
    name: listName,
    description: listDescription.optional(),
    /** Per-language names; a PATCH replaces the whole map (`{}` removes them all). */
    names: perLanguage(listName).optional(),
    descriptions: perLanguage(listDescription).optional(),
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

/**
 * The list as a reader of `language` sees it: its name and description in that language when staff
 * gave them (exact tag, else the primary subtag: `es-MX` → `es`), else its own.
 *
 * @example
 * listIn({ ...list, name: 'Press Releases', names: { es: 'Comunicados de prensa' } }, 'es-MX').name; // 'Comunicados de prensa'
 */
export function listIn<L extends Pick<MailingList, 'name' | 'description' | 'names' | 'descriptions'>>(list: L, language: string | undefined): L {
  if (!language) return list;
  const pick = (map: Record<string, string> | undefined) => {
    const tag = language.toLowerCase();
    return map?.[tag] ?? map?.[tag.split('-')[0]!];
  };
  const name = pick(list.names);
  const description = pick(list.descriptions);
  return { ...list, ...(name ? { name } : {}), ...(description ? { description } : {}) };
}

/** Lists a subscriber may join by themselves. */
export function publicLists(lists: MailingList[]): MailingList[] {
  return lists.filter((l) => l.public && !l.archived);
}
