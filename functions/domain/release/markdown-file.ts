/**
 * Release files written by hand (Markdown with YAML front matter), for the staff CLI. Apart from
 * sanitise.ts because gray-matter brings js-yaml, which no Lambda function needs: every function
 * that shows a release body imports sanitise.ts.
 */
import matter from 'gray-matter';

const refuse = (language: string) => () => {
  throw new Error(`front matter in ${language} is not supported; use YAML`);
};

/**
 * Splits a Markdown release file into its YAML front matter and Markdown body.
 * YAML dates (`publishedAt: 2024-05-01T09:00:00Z` without quotes) come back as ISO strings, the shape
 * the publish API expects. Executable front matter (`---js`) is refused.
 *
 * @example
 * const { frontMatter, markdown } = parseMarkdownRelease(await readFile('post.md', 'utf8'));
 * parseReleaseInput({ ...frontMatter, markdown }, knownLists);
 */
export function parseMarkdownRelease(fileText: string): { frontMatter: Record<string, unknown>; markdown: string } {
  // Passing options also turns off gray-matter's module-level cache, which would share `data` objects.
  const parsed = matter(fileText, { engines: { javascript: refuse('JavaScript'), coffee: refuse('CoffeeScript') } });
  const frontMatter = Object.fromEntries(
    Object.entries(parsed.data as Record<string, unknown>).map(([key, value]) => [
      key,
      value instanceof Date ? value.toISOString() : value,
    ]),
  );
  return { frontMatter, markdown: parsed.content.replace(/^\s*\n/, '') };
}
