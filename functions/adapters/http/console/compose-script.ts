import type { HttpResult } from '../../../runtime/http';

/**
 * The compose page's one script, served from this origin (the page's CSP allows `script-src 'self'`
 * and nothing inline): as staff type, it posts the form (with its CSRF token) to the counts endpoint
 * and writes each channel's count, which the server computes with the channel's own format and
 * check. Without it, the counts show after "Preview". It writes text only (`textContent`).
 */
export const COMPOSE_JS = `(() => {
  const form = document.querySelector('form.compose');
  if (!form || !window.fetch) return;
  let timer;
  let asked = 0;
  const update = async () => {
    const mine = ++asked;
    const body = new URLSearchParams(new FormData(form));
    body.delete('action');
    try {
      const answer = await fetch(form.dataset.counts, { method: 'POST', body, credentials: 'same-origin', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      if (!answer.ok || mine !== asked) return;
      const { counts } = await answer.json();
      for (const count of counts) {
        const out = document.getElementById('count-' + count.channel);
        if (!out) continue;
        const over = count.limit !== undefined && count.length > count.limit;
        out.textContent = (count.limit !== undefined ? count.length + ' of ' + count.limit + ' characters' : count.length + ' characters') +
          (count.own ? ' (own text)' : ' (formatted summary)') +
          (count.problem ? ' \\u2014 will be refused: ' + count.problem : over ? ' \\u2014 too long' : '');
        out.classList.toggle('error', Boolean(count.problem || over));
      }
    } catch (e) {
      // The counts are a help: the next keystroke tries again, and Preview shows them anyway.
    }
  };
  form.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
})();
`;

/** The script, cacheable for an hour like the stylesheet (it changes only with a deploy). */
export function composeScript(): HttpResult {
  return {
    statusCode: 200,
    headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'public, max-age=3600', 'x-content-type-options': 'nosniff' },
    body: COMPOSE_JS,
  };
}
