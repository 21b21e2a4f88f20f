import * as z from 'zod';
import { SUPPORTED_LANGUAGES, isSupportedLanguage } from '../subscriber/language';

/** One language's welcome: Markdown staff wrote, and a subject (a default per language when absent). */
export interface WelcomeText {
  subject?: string;
  markdown: string;
}

/**
 * A list's welcome email: sent once to each person whose membership of the list is confirmed.
 * The top-level text is the list's default; `translations` holds other languages by code, e.g.
 * `{ markdown: 'Hello', translations: { es: { subject: 'Hola', markdown: 'Hola' } } }`. A reader
 * whose language has no translation gets the default. `onImport` also welcomes people that staff
 * import with consent (a double opt-in confirmation always welcomes).
 */
export interface ListWelcome extends WelcomeText {
  onImport: boolean;
  translations?: Partial<Record<string, WelcomeText>>;
}

const welcomeText = z
  .object({
    subject: z.string().trim().min(1).max(200).refine((s) => !/[\r\n]/.test(s), 'must not contain line breaks').optional(),
    markdown: z.string().trim().min(1, 'write the welcome in Markdown').max(20_000),
  })
  .strict();

export const welcomeInput = welcomeText
  .extend({
    onImport: z.boolean().optional(),
    translations: z
      .record(z.string(), welcomeText)
      .refine((t) => Object.keys(t).every(isSupportedLanguage), `languages must be one of ${SUPPORTED_LANGUAGES.join(', ')}`)
      .optional(),
  })
  .strict()
  .transform((w): ListWelcome => ({ ...w, onImport: w.onImport ?? false }));

/**
 * The welcome text for a reader's language: its translation when the list has one, else the default.
 *
 * @example
 * welcomeTextFor({ markdown: 'Hi', onImport: false, translations: { es: { markdown: 'Hola' } } }, 'es'); // { markdown: 'Hola' }
 * welcomeTextFor({ markdown: 'Hi', onImport: false }, 'es'); // { markdown: 'Hi', … }
 */
export function welcomeTextFor(welcome: ListWelcome, language: string | undefined): WelcomeText & { language?: string } {
  const translated = language ? welcome.translations?.[language] : undefined;
  if (translated) return { ...translated, language };
  return { subject: welcome.subject, markdown: welcome.markdown };
}
