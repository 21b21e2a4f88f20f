import type { ParsedMail } from 'mailparser';

/** The "Manage preferences" URL in an email's plain-text part (it is the same in the HTML part). */
export function preferencesLink(mail: ParsedMail): string | undefined {
  return /https?:\/\/[^\s\]]+\/preferences\/[A-Za-z0-9_.-]+/.exec(mail.text ?? '')?.[0];
}

/** A form body as the preference page's form posts it: repeated `lists` fields and an `action`. */
export function preferencesForm(action: 'save' | 'unsubscribe-all', lists: string[] = []): URLSearchParams {
  const form = new URLSearchParams(lists.map((l): [string, string] => ['lists', l]));
  form.set('action', action);
  return form;
}
