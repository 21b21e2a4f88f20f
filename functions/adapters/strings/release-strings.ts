/**
 * Every fixed word of the release email (links, button, footer, share line), one table per
 * language, chosen like the sign-up pages: by the release's primary language subtag, else English.
 */
import { stringsFor, type SupportedLanguage } from './ui-strings';

export interface ReleaseEmailStrings {
  viewInBrowser: string;
  readOnWebsite: string;
  /**
   * Why the reader gets this email (CAN-SPAM asks that they can tell): the lists that brought it,
   * already joined ("Blog and Press Releases"; per recipient, so a placeholder when rendering).
   */
  whyReceiving: (lists: string) => string;
  unsubscribe: string;
  managePreferences: string;
  /** The share line: its lead-in, and the label of the mailto link. Network names are proper nouns. */
  share: { label: string; email: string };
  /** Lead-in of the release's tags under the byline. */
  topics: string;
  /** Under the byline of a corrected release: when, before the correction's note (if any). */
  updated: (date: string) => string;
  /** Heading of the numbered link list at the end of the plain-text part. */
  links: string;
  /** The weekly digest's own words. */
  digest: {
    subject: (organisation: string, period: string) => string;
    heading: (organisation: string) => string;
    preheader: (count: number) => string;
    whyReceiving: (organisation: string) => string;
    readMore: string;
    allReleases: string;
  };
}

const en: ReleaseEmailStrings = {
  viewInBrowser: 'View in browser',
  readOnWebsite: 'Read on our website',
  whyReceiving: (lists) => `You receive this as a member of ${lists}.`,
  unsubscribe: 'Unsubscribe',
  managePreferences: 'Manage preferences',
  share: { label: 'Share:', email: 'Email' },
  topics: 'Topics:',
  updated: (date) => `Updated ${date}.`,
  links: 'Links:',
  digest: {
    subject: (organisation, period) => `${organisation}: the week in review, ${period}`,
    heading: (organisation) => `This week at ${organisation}`,
    preheader: (count) => (count === 1 ? 'One new release this week.' : `${count} new releases this week.`),
    whyReceiving: (organisation) => `You are receiving this because you subscribed to the weekly digest from ${organisation}.`,
    readMore: 'Read more',
    allReleases: 'All our releases',
  },
};

const es: ReleaseEmailStrings = {
  viewInBrowser: 'Ver en el navegador',
  readOnWebsite: 'Leer en nuestro sitio web',
  whyReceiving: (lists) => `Recibe este correo por su suscripción a ${lists}.`,
  unsubscribe: 'Darse de baja',
  managePreferences: 'Gestionar preferencias',
  share: { label: 'Compartir:', email: 'Correo' },
  topics: 'Temas:',
  updated: (date) => `Actualizado el ${date}.`,
  links: 'Enlaces:',
  digest: {
    subject: (organisation, period) => `${organisation}: resumen de la semana, ${period}`,
    heading: (organisation) => `Esta semana en ${organisation}`,
    preheader: (count) => (count === 1 ? 'Un nuevo comunicado esta semana.' : `${count} nuevos comunicados esta semana.`),
    whyReceiving: (organisation) => `Recibe este correo porque se suscribió al resumen semanal de ${organisation}.`,
    readMore: 'Leer más',
    allReleases: 'Todos nuestros comunicados',
  },
};

const TABLES: Record<SupportedLanguage, ReleaseEmailStrings> = { en, es };

/**
 * The release-email strings for a BCP 47 tag (`es-MX` → Spanish; unknown → English).
 *
 * @example
 * releaseStringsFor('es').unsubscribe; // 'Darse de baja'
 */
export function releaseStringsFor(language: string | undefined): ReleaseEmailStrings & { language: SupportedLanguage } {
  const { language: chosen } = stringsFor(language);
  return { ...TABLES[chosen], language: chosen };
}
