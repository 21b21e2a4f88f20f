/**
 * A release's date as its readers write it (`7 December 2026`, `7 de diciembre de 2026`), for the
 * email and the web version alike. Empty for a date that does not parse.
 *
 * @example
 * formatDate('2026-12-07T09:00:00.000Z', 'en', 'UTC'); // 'December 7, 2026'
 */
export function formatDate(iso: string, language: string, timeZone = 'UTC'): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat(language, { dateStyle: 'long', timeZone });
  } catch {
    // A well-formed tag that ICU still rejects: English is better than no date.
    format = new Intl.DateTimeFormat('en', { dateStyle: 'long', timeZone });
  }
  return format.format(date);
}
