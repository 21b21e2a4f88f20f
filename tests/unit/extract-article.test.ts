import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { extractArticle } from '../../functions/adapters/feeds/extract-article';

// Readability.js's own WordPress test page (Apache-2.0, see the folder's NOTICE): a WP Tavern post.
const dir = join(__dirname, '../fixtures/feeds/readability');
const source = readFileSync(join(dir, 'source.html'), 'utf8');
const expectedMetadata = JSON.parse(readFileSync(join(dir, 'expected-metadata.json'), 'utf8')) as { title: string; excerpt: string; lang: string };
const url = 'https://wptavern.com/stack-overflow-jobs-data-shows-reactjs-skills-in-high-demand-wordpress-market-oversaturated-with-developers';
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');

describe('extractArticle', () => {
  it('finds the post on a WordPress page: title, excerpt, language and the main text, without menus or comments', () => {
    const article = extractArticle(source, url);
    expect(article).toMatchObject({ title: expectedMetadata.title, excerpt: expectedMetadata.excerpt, language: expectedMetadata.lang });
    // Readability's expected output for this page has no byline; neither has ours.
    expect(article?.byline).toBeUndefined();
    const content = text(article!.contentHtml);
    expect(content).toContain('Stack Overflow published its analysis of 2017 hiring trends');
    expect(content).toContain('ReactJS');
    // The primary menu and a reader's comment are on the page, not in the article.
    expect(source).toContain('Secondary Menu');
    expect(content).not.toContain('Secondary Menu');
    expect(source).toContain('Sallie Goetsch (rhymes with sketch)');
    expect(content).not.toContain('Sallie Goetsch');
  });

  it('makes relative links and images absolute against the page’s address', () => {
    // The same page with one link and one image written relative, as hand-written posts often are.
    const relative = source
      .replace('href="https://wptavern.com/stack-overflow-survey-results-show-wordpress-is-trending-up-despite-being-ranked-among-most-dreaded-technologies"', 'href="/stack-overflow-survey-results-show-wordpress-is-trending-up-despite-being-ranked-among-most-dreaded-technologies"')
      .replace('src="https://i2.wp.com/wptavern.com/wp-content/uploads/2017/03/ChangesinDemand.png?resize=975%2C1115&amp;ssl=1"', 'src="/wp-content/uploads/2017/03/ChangesinDemand.png"');
    expect(relative).not.toBe(source);
    const html = extractArticle(relative, url)!.contentHtml;
    expect(html).toContain('href="https://wptavern.com/stack-overflow-survey-results-show-wordpress-is-trending-up-despite-being-ranked-among-most-dreaded-technologies"');
    expect(html).toContain('src="https://wptavern.com/wp-content/uploads/2017/03/ChangesinDemand.png"');
    expect(html).not.toMatch(/(href|src)="\//);
  });

  it('finds no article on a page without one', () => {
    const notAFeed = readFileSync(join(__dirname, '../fixtures/feeds/node-feedparser/notafeed.html'), 'utf8');
    expect(extractArticle(notAFeed, 'https://example.org/')).toBeUndefined();
  });
});
