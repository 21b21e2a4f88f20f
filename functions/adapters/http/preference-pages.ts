/**
 * The unsubscribe and preference-centre pages. Every word comes from the strings table of the
 * page's language (`preferenceStringsFor` in functions/adapters/strings/ui-strings.ts).
 *
 * The pages keep to `page()`'s rules (no scripts, nothing third-party); the few extra styles are
 * inline attributes, which the Content-Security-Policy's `style-src 'unsafe-inline'` allows.
 */
import { PreferencesAction, type PreferencesUpdate, type PreferencesView } from '../../domain/subscriber/preferences';
import { preferenceStringsFor } from '../strings/ui-strings';
import { listFormat } from '../../domain/lists/list-names';
import { escapeHtml, page } from './pages';

const NOTICE = 'style="background:#ecfdf5;color:#065f46;border-left:4px solid #047857;padding:.75rem 1rem;margin:0 0 1rem"';
const WARNING = 'style="background:#fef3c7;color:#78350f;border-left:4px solid #b45309;padding:.75rem 1rem;margin:0 0 1rem"';
const BUTTONS = 'style="display:flex;flex-wrap:wrap;gap:.75rem;margin-top:1.25rem"';
const SECONDARY = 'style="background:#fff;color:#1d4ed8;border:2px solid #1d4ed8"';
// 24 px: WCAG 2.2's minimum target size (2.5.8), so the box is easy to hit on a phone.
const CHECKBOX = 'style="width:1.5rem;height:1.5rem;margin:0;flex:none;accent-color:#1d4ed8"';

/** Relative to `/unsubscribe/{token}` and `/preferences/{token}`, so it works under any base path. */
const preferencesHref = (token: string) => `../preferences/${escapeHtml(encodeURIComponent(token))}`;
const formAction = (token: string) => escapeHtml(encodeURIComponent(token));
const link = (href: string, text: string) => `<a href="${href}">${escapeHtml(text)}</a>`;
const strong = (text: string) => `<strong>${escapeHtml(text)}</strong>`;
/** "<strong>Blog</strong> and <strong>Press Releases</strong>", joined the page language's way. */
const strongList = (names: string[], language: string) =>
  listFormat(language)
    .formatToParts(names)
    .map((part) => (part.type === 'element' ? strong(part.value) : escapeHtml(part.value)))
    .join('');

/**
 * The one page for every bad link, whatever was wrong with it: it must not tell forged from real.
 * Always in the default language, since a bad link names no one whose language we could know.
 */
export function invalidLinkPage(organisationName: string): string {
  const s = preferenceStringsFor(undefined);
  return page({ title: s.invalidLink.title, organisationName, lang: s.language, body: `<p>${escapeHtml(s.invalidLink.body)}</p>` });
}

export interface UnsubscribePageInput {
  organisationName: string;
  token: string;
  /** The lists the link leaves: those that brought the email. */
  listNames: string[];
  preferencesToken: string;
  language?: string;
}

/** GET /unsubscribe/{token}: asks before changing anything, offering the email's lists or all of them. */
export function unsubscribeConfirmPage(o: UnsubscribePageInput): string {
  const s = preferenceStringsFor(o.language);
  const u = s.unsubscribe;
  return page({
    title: u.title,
    organisationName: o.organisationName,
    lang: s.language,
    body: `<p>${u.question(strongList(o.listNames, s.language))}</p>
<form method="post" action="${formAction(o.token)}">
  <div ${BUTTONS}>
    <button type="submit" name="scope" value="list">${escapeHtml(u.one)}</button>
    <button type="submit" name="scope" value="all" ${SECONDARY}>${escapeHtml(u.all)}</button>
  </div>
</form>
<p>${u.chooseOneByOne(link(preferencesHref(o.preferencesToken), u.manage))}</p>`,
  });
}

/** POST /unsubscribe/{token}: the result, with a way back in through the preference centre. */
export function unsubscribedPage(o: Omit<UnsubscribePageInput, 'token' | 'listNames'> & { listNames?: string[] }): string {
  const s = preferenceStringsFor(o.language);
  const u = s.unsubscribe;
  const done = o.listNames === undefined ? escapeHtml(u.doneAll) : u.doneOne(strongList(o.listNames, s.language));
  return page({
    title: u.doneTitle,
    organisationName: o.organisationName,
    lang: s.language,
    body: `<p>${done}</p>
<p>${u.changedYourMind(link(preferencesHref(o.preferencesToken), u.manage))}</p>`,
  });
}

/** GET and POST /preferences/{token}: the lists as checkboxes; after a POST, what happened. */
export function preferencesPage(o: { organisationName: string; token: string; view: PreferencesView; update?: PreferencesUpdate }): string {
  const { view, update } = o;
  const s = preferenceStringsFor(view.language);
  const p = s.preferences;
  const notices: string[] = [];
  if (update?.action === PreferencesAction.UnsubscribeAll) notices.push(p.leftAll);
  else if (update) notices.push(p.saved);
  if (update?.refused.length) notices.push(p.notJoined);
  // role="status" makes screen readers announce the outcome of the form just sent.
  const status = notices.length ? `<p role="status" ${NOTICE}>${notices.map(escapeHtml).join(' ')}</p>` : '';
  const suppressed = view.suppressed ? `<p ${WARNING}>${p.suppressed(link('../subscribe', p.signUpAgain))}</p>` : '';

  const choices = view.lists.map((l) => {
    const id = `list-${escapeHtml(l.id)}`;
    const hints = [l.description, l.joinable ? undefined : p.privateHint, l.pending ? p.pendingHint : undefined].filter(Boolean);
    const hint = hints.length ? `<p id="${id}-hint" class="muted" style="margin:.25rem 0 0">${hints.map((h) => escapeHtml(h!)).join(' ')}</p>` : '';
    return `<div style="display:flex;gap:.75rem;align-items:flex-start;padding:.5rem 0">
  <input type="checkbox" id="${id}" name="lists" value="${escapeHtml(l.id)}"${l.subscribed ? ' checked' : ''}${hint ? ` aria-describedby="${id}-hint"` : ''} ${CHECKBOX}>
  <div><label for="${id}">${escapeHtml(l.name)}</label>${hint}</div>
</div>`;
  });
  return page({
    title: p.title,
    organisationName: o.organisationName,
    lang: s.language,
    body: `${status}${suppressed}<p>${p.sendingTo(strong(view.maskedEmail))}</p>
<form method="post" action="${formAction(o.token)}">
  <fieldset style="border:0;padding:0;margin:0">
    <legend style="font-weight:600;padding:0">${escapeHtml(p.legend)}</legend>
    ${choices.length ? choices.join('\n    ') : `<p>${escapeHtml(p.noLists)}</p>`}
  </fieldset>
  <div ${BUTTONS}>
    <button type="submit" name="action" value="${PreferencesAction.Save}">${escapeHtml(p.save)}</button>
    <button type="submit" name="action" value="${PreferencesAction.UnsubscribeAll}" ${SECONDARY}>${escapeHtml(p.leaveAll)}</button>
  </div>
</form>`,
  });
}
