/**
 * Views of the local mailbox for people running Pressroom on their machine. Sent mail is untrusted
 * HTML: serve {@link extractHtmlPart}'s output with `Content-Security-Policy: sandbox` (the runner
 * does) so no script in it runs on the local origin.
 */
import { simpleParser } from 'mailparser';
import type { StoredMessage } from './ses-server';

/**
 * A self-contained HTML page listing messages, newest first, each linking to its raw MIME
 * (`/local/mail/{id}`) and its rendered HTML part (`/local/mail/{id}/html`). Needs no script.
 *
 * @example
 * reply(200, 'text/html; charset=utf-8', renderMailboxPage(ses.mailbox.list()));
 */
export function renderMailboxPage(messages: readonly Pick<StoredMessage, 'id' | 'to' | 'subject' | 'date'>[]): string {
  const rows = [...messages]
    .reverse()
    .map((m) => {
      const href = `/local/mail/${encodeURIComponent(m.id)}`;
      return `<tr><td><time datetime="${escapeHtml(m.date)}">${escapeHtml(m.date.replace('T', ' ').replace(/\.\d+Z$/, 'Z'))}</time></td>
<td>${escapeHtml(m.to.join(', '))}</td><td><a href="${href}/html">${escapeHtml(m.subject || '(no subject)')}</a></td><td><a href="${href}">raw</a></td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Local mailbox (${messages.length})</title>
<style>
body { font: 15px/1.4 system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: .4rem .6rem; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f4f4f4; }
</style>
</head>
<body>
<h1>Local mailbox</h1>
<p>${messages.length} message${messages.length === 1 ? '' : 's'} accepted by the local SES endpoint, newest first.</p>
${
  messages.length
    ? `<table>\n<thead><tr><th>Date (UTC)</th><th>To</th><th>Subject</th><th>Source</th></tr></thead>\n<tbody>\n${rows}\n</tbody>\n</table>`
    : '<p>No mail yet.</p>'
}
</body>
</html>
`;
}

/**
 * The HTML part of a raw message, decoded; a message without one gets its text part in a `<pre>`.
 *
 * @example
 * const raw = ses.mailbox.getRaw(id);
 * if (raw) reply(200, 'text/html; charset=utf-8', await extractHtmlPart(raw));
 */
export async function extractHtmlPart(raw: Buffer): Promise<string> {
  const mail = await simpleParser(raw);
  if (mail.html !== false && mail.html) return mail.html;
  return `<!doctype html><meta charset="utf-8"><pre>${escapeHtml(mail.text ?? '')}</pre>`;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}
