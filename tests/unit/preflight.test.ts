import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { preflight, hasBlocking, GMAIL_CLIP_BYTES } from '../../functions/domain/release/preflight';
import { newRelease, type Release } from '../../functions/domain/release/release';
import { parseReleaseInput } from '../../functions/domain/release/release-input';
import { RecipientPlaceholder } from '../../functions/domain/release/rendered-email';
import { markdownToHtml, sanitiseReleaseHtml } from '../../functions/domain/release/sanitise';
import { MjmlRenderer } from '../../functions/adapters/render/mjml-renderer';
import { releaseBody, sampleRelease } from '../helpers/releases';

const renderer = new MjmlRenderer({
  templatesDir: resolve(import.meta.dirname, '../../templates'),
  brand: { organisationName: 'Example Org', postalAddress: '1 Example Street', accentColour: '#1d4ed8' },
  publicUrl: 'https://news.example.org',
});
const lists = new Set(['blog', 'press-releases']);
const release = (body: Record<string, unknown>) => newRelease(parseReleaseInput(body, lists), new Date('2026-11-29T12:00:00Z'));

async function check(r: Release) {
  const rendered = await renderer.render(r);
  return { rendered, findings: preflight(r, rendered, sanitiseReleaseHtml(r.html ?? markdownToHtml(r.markdown ?? ''), r.url)) };
}

describe('preflight', () => {
  it('finds nothing blocking in the sample release', async () => {
    const { findings } = await check(release(sampleRelease()));
    expect(hasBlocking(findings)).toBe(false);
    expect(findings).toEqual([]);
  });

  it('reports hostile and sloppy markup as warnings, naming what was removed', async () => {
    const { findings } = await check(
      release(
        releaseBody({
          html: '<p onclick="steal()">Hi <a href="http://example.org/x">plain http</a></p><script>alert(1)</script><iframe src="https://evil.example"></iframe><div><b>unclosed</div><img src="https://example.org/a.png">',
        }),
      ),
    );
    const byCode = Object.fromEntries(findings.map((f) => [f.code, f]));
    expect(byCode['markup-stripped'].message).toMatch(/<script>.*<iframe>|<iframe>.*<script>/);
    expect(byCode['handlers-stripped'].message).toMatch(/1 event-handler/);
    expect(byCode['links-not-https'].message).toContain('http://example.org/x');
    expect(byCode['images-without-alt'].message).toMatch(/1 image/);
    expect(byCode['markup-unbalanced'].message).toContain('<b>');
    expect(hasBlocking(findings)).toBe(false);
  });

  it('checks links in Markdown bodies too, but not the links of the template itself', async () => {
    const { findings } = await check(release(releaseBody({ html: undefined, markdown: 'See [this](http://example.org/insecure).' })));
    expect(findings.map((f) => f.message)).toEqual([expect.stringContaining('http://example.org/insecure')]);
    const local = new MjmlRenderer({
      templatesDir: resolve(import.meta.dirname, '../../templates'),
      brand: { organisationName: 'Example Org', postalAddress: '1 Example Street', accentColour: '#1d4ed8' },
      publicUrl: 'http://localhost:3000',
    });
    const r = release(releaseBody());
    expect(preflight(r, await local.render(r), sanitiseReleaseHtml(r.html!, r.url))).toEqual([]);
  });

  it('warns about a long subject', async () => {
    const { findings } = await check(release(releaseBody({ title: 'A very long title '.repeat(8).trim() })));
    expect(findings.map((f) => f.code)).toContain('subject-long');
  });

  it('blocks an email Gmail would clip, and one without an unsubscribe link', async () => {
    const r = release(releaseBody());
    const rendered = await renderer.render(r);
    const huge = { ...rendered, html: rendered.html.replace('</body>', `<!--${'x'.repeat(GMAIL_CLIP_BYTES)}--></body>`) };
    expect(preflight(r, huge, r.html!).find((f) => f.code === 'html-too-large')?.severity).toBe('blocking');
    const noLink = { ...rendered, text: rendered.text.replaceAll(RecipientPlaceholder.UnsubscribeUrl, '') };
    expect(preflight(r, noLink, r.html!).find((f) => f.code === 'unsubscribe-missing')?.severity).toBe('blocking');
  });

  it('keeps every warning short whatever the body holds', async () => {
    // 30,000 made-up tags (all stripped, none closed), a long non-https link, and nothing else.
    const tags = Array.from({ length: 30_000 }, (_, i) => `<t${i}>`).join('');
    const html = `<p><a href="http://example.org/${'x'.repeat(5_000)}">link</a></p>${tags}`;
    const { findings } = await check(release(releaseBody({ html })));
    const byCode = Object.fromEntries(findings.map((f) => [f.code, f]));
    expect(byCode['markup-stripped'].message).toMatch(/^Removed by the sanitiser: <t0>, <t1>, .* and 29990 more\.$/);
    expect(byCode['markup-unbalanced'].message).toMatch(/and \d+ more\.$/);
    for (const finding of findings) expect(finding.message.length, finding.code).toBeLessThan(1_000);
  });
});

