/**
 * What every Pressroom email compiled from MJML at run time shares: compilation and templates read
 * from disk once. Only the functions that render releases load this (mjml is ~300 ms to import);
 * the plain-text part is in text-part.ts, which needs no MJML.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import mjml2html from 'mjml';
import { fillTemplate, TemplateError } from './template';
import type { Brand } from './brand';

/** 'strict' refuses a template with errors, so a broken template fails in tests, not in an inbox. */
export async function compileMjml(mjml: string): Promise<string> {
  try {
    // juice would copy the CSS `height: auto` of body images into an invalid `height="auto"` attribute.
    return (await mjml2html(mjml, { validationLevel: 'strict', keepComments: false, juiceOptions: { applyHeightAttributes: false } })).html;
  } catch (error) {
    const details = (error as { errors?: { formattedMessage?: string }[] }).errors?.map((e) => e.formattedMessage).join('; ');
    throw new TemplateError(`MJML template did not compile${details ? `: ${details}` : ''}`, { cause: error });
  }
}

/**
 * Template files read once per instance. A failed read is not cached, so a later render retries.
 *
 * @example
 * const files = new TemplateFiles('templates', { release: 'release.mjml' });
 * const { release } = await files.load();
 */
export class TemplateFiles<K extends string> {
  private loaded?: Promise<Record<K, string>>;

  constructor(private readonly dir: string, private readonly files: Record<K, string>) {}

  load(): Promise<Record<K, string>> {
    this.loaded ??= Promise.all(
      Object.entries<string>(this.files).map(async ([key, name]) => [key, await readFile(join(this.dir, name), 'utf8')] as const),
    ).then(
      (entries) => Object.fromEntries(entries) as Record<K, string>,
      (error: unknown) => {
        this.loaded = undefined;
        throw new TemplateError(`cannot read email templates from ${this.dir}`, { cause: error });
      },
    );
    return this.loaded;
  }
}

/** The brand header every email opens with: the logo when there is one, else the organisation's name. */
export function fillMasthead(brand: Brand, templates: { mastheadLogo: string; mastheadName: string }): string {
  return fillTemplate(brand.logoUrl ? templates.mastheadLogo : templates.mastheadName, {
    logoUrl: brand.logoUrl ?? '',
    organisationName: brand.organisationName,
    accentColour: brand.accentColour,
  });
}
