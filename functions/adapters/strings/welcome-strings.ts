/**
 * The fixed words around a list's welcome email (the body is staff's), one table per language.
 */
import type { SupportedLanguage } from '../../domain/subscriber/language';

export interface WelcomeStrings {
  language: SupportedLanguage;
  /** Why this email came: names the list. */
  why: (list: string, organisation: string) => string;
  unsubscribe: string;
  preferences: string;
}

const en: WelcomeStrings = {
  language: 'en',
  why: (list, organisation) => `You receive this because you joined ${list} from ${organisation}.`,
  unsubscribe: 'Unsubscribe',
  preferences: 'Manage preferences',
};

const es: WelcomeStrings = {
  language: 'es',
  why: (list, organisation) => `Recibes este mensaje porque te suscribiste a ${list} de ${organisation}.`,
  unsubscribe: 'Darse de baja',
  preferences: 'Gestionar preferencias',
};

const TABLES: Record<SupportedLanguage, WelcomeStrings> = { en, es };

/** The table for a language, English when there is none. @example welcomeStringsFor('es').unsubscribe; // 'Darse de baja' */
export function welcomeStringsFor(language: string | undefined): WelcomeStrings {
  return TABLES[language as SupportedLanguage] ?? en;
}
