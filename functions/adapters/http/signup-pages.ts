/**
 * The sign-up and confirmation pages. Plain HTML forms that work without JavaScript; every word
 * comes from the strings table of the page's language (functions/adapters/strings/ui-strings.ts).
 */
import { listIn } from '../../domain/lists/mailing-list';
import type { FieldIssue } from '../../domain/errors';
import { SUPPORTED_LANGUAGES, stringsFor, type SignupStrings, type SupportedLanguage } from '../strings/ui-strings';
import { escapeHtml, page } from './pages';

type Strings = SignupStrings & { language: SupportedLanguage };

// Form controls need more than pages.ts's base styles. Checkboxes are 24 px so they meet WCAG 2.2's
// target size on a phone; borders keep 3:1 contrast against white.
const FORM_STYLE = `<style>
  .field, fieldset { margin: 0 0 1.5rem; }
  label { font-weight: 600; display: block; }
  fieldset { border: 1px solid #6b7280; border-radius: 6px; padding: .75rem 1rem 1rem; }
  legend { font-weight: 600; padding: 0 .25rem; }
  .choice { display: flex; align-items: flex-start; gap: .5rem; margin: .5rem 0 0; }
  .choice label { font-weight: 400; }
  .choice input { width: 1.5rem; height: 1.5rem; margin: 0; flex: none; accent-color: #1d4ed8; }
  input[type=email], select { font: inherit; box-sizing: border-box; width: 100%; padding: .6rem .75rem; border: 1px solid #6b7280; border-radius: 6px; background: #fff; color: inherit; }
  input:focus-visible, select:focus-visible, a:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
  .hint { color: #4b5563; margin: .25rem 0 .5rem; font-size: .9375rem; }
  .error { color: #b91c1c; font-weight: 600; margin: .25rem 0 .5rem; }
  [aria-invalid=true] { border: 2px solid #b91c1c !important; }
  .summary { border: 3px solid #b91c1c; border-radius: 6px; padding: .75rem 1rem; margin: 0 0 1.5rem; }
  .summary h2 { font-size: 1.125rem; margin: 0 0 .5rem; }
  .summary ul { margin: 0; padding-left: 1.25rem; }
  .summary a { color: #b91c1c; }
  ul.lists { padding-left: 1.25rem; }
  nav { margin: 0 0 1rem; }
  .trap { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
</style>`;

/**
 * The honeypot's form field. A name bots like to fill; people never see the field, so anything in
 * it marks the sign-up as a bot's (the domain's `trap`).
 */
export const TRAP_FIELD = 'website';

// Off-screen rather than display:none, which some bots recognise and skip. aria-hidden keeps it (and
// its label) from screen readers, tabindex=-1 keeps it out of the Tab order, autocomplete=off keeps
// browsers from filling it for people.
const trapField = (label: string) => `<div class="trap" aria-hidden="true">
  <label for="${TRAP_FIELD}">${escapeHtml(label)}</label>
  <input id="${TRAP_FIELD}" name="${TRAP_FIELD}" type="text" tabindex="-1" autocomplete="off" value="">
</div>`;

/** The embedded form's thank-you URL field (README, "Embedding the sign-up form"). */
export const RETURN_FIELD = 'return_to';

export interface SignupFormInput {
  organisationName: string;
  strings: Strings;
  /** The public, non-archived lists. */
  /** Named in the page's language where staff gave a name in it (mailing-list.ts `listIn`). */
  lists: { id: string; name: string; description?: string; names?: Record<string, string>; descriptions?: Record<string, string> }[];
  /** What the visitor sent, when the form comes back with errors. */
  values?: { email?: unknown; lists?: unknown; language?: unknown };
  errors?: FieldIssue[];
  /** An embedded form's allowed thank-you URL, kept when its sign-up comes back with errors. */
  returnTo?: string;
}

/** Which control a validation issue belongs to: `lists.2` is the lists fieldset. */
type Control = 'email' | 'lists' | 'language';
const controlOf = (issue: FieldIssue): Control => (issue.field.startsWith('lists') ? 'lists' : issue.field === 'language' ? 'language' : 'email');

export function signupFormPage({ organisationName, strings, lists, values = {}, errors = [], returnTo }: SignupFormInput): string {
  const s = strings.signup;
  const bad = new Set(errors.map(controlOf));
  const message = (control: Control) =>
    bad.has(control) ? `<p id="${control}-error" class="error">${escapeHtml(s.errors[control])}</p>` : '';
  const describedBy = (control: Control, ...ids: string[]) => [...ids, ...(bad.has(control) ? [`${control}-error`] : [])].join(' ');
  const invalid = (control: Control) => (bad.has(control) ? ' aria-invalid="true"' : '');
  const chosen = new Set(Array.isArray(values.lists) ? values.lists : typeof values.lists === 'string' ? [values.lists] : []);
  const email = typeof values.email === 'string' ? values.email : '';
  const language = typeof values.language === 'string' && values.language ? values.language : strings.language;

  const summary = bad.size
    ? `<div class="summary" role="alert"><h2>${escapeHtml(s.errorSummary)}</h2><ul>${[...bad]
        .map((c) => `<li><a href="#${c === 'lists' ? `list-${escapeHtml(lists[0]?.id ?? '')}` : c}">${escapeHtml(s.errors[c])}</a></li>`)
        .join('')}</ul></div>`
    : '';
  const otherLanguages = SUPPORTED_LANGUAGES.filter((l) => l !== strings.language)
    .map((l) => `<a href="?lang=${l}" lang="${l}" hreflang="${l}">${escapeHtml(stringsFor(l).languageName)}</a>`)
    .join(' · ');
  const choices = lists
    .map((list) => listIn(list, strings.language))
    .map((list) => {
      const id = `list-${escapeHtml(list.id)}`;
      const hint = list.description ? `<p id="${id}-hint" class="hint">${escapeHtml(list.description)}</p>` : '';
      return `<div class="choice"><input type="checkbox" id="${id}" name="lists" value="${escapeHtml(list.id)}"${chosen.has(list.id) ? ' checked' : ''}${
        hint ? ` aria-describedby="${id}-hint"` : ''
      }><div><label for="${id}">${escapeHtml(list.name)}</label>${hint}</div></div>`;
    })
    .join('\n');
  const options = SUPPORTED_LANGUAGES.map(
    (l) => `<option value="${l}" lang="${l}"${l === language ? ' selected' : ''}>${escapeHtml(stringsFor(l).languageName)}</option>`,
  ).join('');

  return page({
    title: s.title,
    organisationName,
    lang: strings.language,
    body: `${FORM_STYLE}
<nav aria-label="Language">${otherLanguages}</nav>
${summary}
<p>${escapeHtml(s.intro)}</p>
<form method="post" action="subscribe">${returnTo ? `\n<input type="hidden" name="${RETURN_FIELD}" value="${escapeHtml(returnTo)}">` : ''}
<div class="field">
  <label for="email">${escapeHtml(s.emailLabel)}</label>
  <p id="email-hint" class="hint">${escapeHtml(s.emailHint)}</p>
  ${message('email')}
  <input id="email" name="email" type="email" autocomplete="email" spellcheck="false" required value="${escapeHtml(email)}" aria-describedby="${describedBy('email', 'email-hint')}"${invalid('email')}>
</div>
${trapField(s.trapLabel)}
<fieldset${bad.has('lists') ? ' aria-describedby="lists-error"' : ''}>
  <legend>${escapeHtml(s.listsLegend)}</legend>
  ${message('lists')}
  ${choices}
</fieldset>
<div class="field">
  <label for="language">${escapeHtml(s.languageLabel)}</label>
  ${message('language')}
  <select id="language" name="language"${bad.has('language') ? ' aria-describedby="language-error"' : ''}${invalid('language')}>${options}</select>
</div>
<button type="submit">${escapeHtml(s.submit)}</button>
</form>
<p class="hint">${escapeHtml(s.privacy)}</p>`,
  });
}

/** The one answer to every accepted sign-up, whoever the address belongs to. */
export function checkInboxPage(organisationName: string, strings: Strings): string {
  return page({
    title: strings.checkInbox.title,
    organisationName,
    lang: strings.language,
    body: `<p>${escapeHtml(strings.checkInbox.body)}</p>\n<p class="muted">${escapeHtml(strings.checkInbox.spam)}</p>`,
  });
}

export function rateLimitedPage(organisationName: string, strings: Strings): string {
  return page({
    title: strings.rateLimited.title,
    organisationName,
    lang: strings.language,
    body: `<p>${escapeHtml(strings.rateLimited.body)}</p>`,
  });
}

const listItems = (names: string[]) => `<ul class="lists">${names.map((n) => `<li><strong>${escapeHtml(n)}</strong></li>`).join('')}</ul>`;

/** Shown on GET of a confirmation link: the button POSTs to the same URL. */
export function confirmPage(organisationName: string, strings: Strings, listNames: string[], token: string): string {
  return page({
    title: strings.confirm.title,
    organisationName,
    lang: strings.language,
    body: `<p>${escapeHtml(strings.confirm.intro)}</p>
${listItems(listNames)}
<form method="post" action="${escapeHtml(encodeURIComponent(token))}">
  <button type="submit">${escapeHtml(strings.confirm.button)}</button>
</form>`,
  });
}

/** `siteUrl`: the organisation's own site (the first embedding origin), linked back to when configured. */
export function confirmedPage(organisationName: string, strings: Strings, listNames: string[], siteUrl?: string): string {
  const back = siteUrl ? `\n<p><a href="${escapeHtml(siteUrl)}">${escapeHtml(strings.confirmed.backTo(new URL(siteUrl).host))}</a></p>` : '';
  return page({
    title: strings.confirmed.title,
    organisationName,
    lang: strings.language,
    body: `<p>${escapeHtml(strings.confirmed.body)}</p>\n${listItems(listNames)}\n<p class="muted">${escapeHtml(strings.confirmed.manage)}</p>${back}`,
  });
}

/**
 * A browser posted the sign-up form from a page on a site that is not configured to embed it. In
 * English: the words are for the site's owner, who set the form up, more than for the reader.
 */
export function refusedOriginPage(organisationName: string, origin: string | undefined): string {
  return page({
    title: 'Sign-up not accepted from this site',
    organisationName,
    body: `<p>Sign-ups are not accepted from pages on ${escapeHtml(origin ?? 'another site')}: add the site's origin to PRESSROOM_SIGNUP_ORIGINS to embed the form there.</p>
<p>To subscribe, use <a href="subscribe">our own sign-up page</a>.</p>`,
  });
}

/**
 * One page for every bad confirmation link (tampered, expired, another purpose, erased subscriber).
 * It is in English whatever the link: the subscriber's language would tell whose link it was.
 */
export function invalidConfirmationPage(organisationName: string): string {
  const strings = stringsFor('en');
  return page({
    title: strings.invalidLink.title,
    organisationName,
    lang: strings.language,
    body: `<p>${escapeHtml(strings.invalidLink.body)}</p>\n<p><a href="../subscribe">${escapeHtml(strings.invalidLink.signupAgain)}</a></p>`,
  });
}
