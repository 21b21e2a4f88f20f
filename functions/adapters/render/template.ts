/**
 * A deliberately tiny template filler for the email templates: `{{name}}` inserts an HTML-escaped
 * string, `{{{name}}}` inserts markup that the caller has marked as trusted with {@link rawHtml}.
 * No logic, loops or partials: the templates stay plain MJML that a designer can read.
 */
import { PressroomError } from '../../domain/errors';

/** A template slot or value that does not fit: a bug in the template or its caller, never user input. */
export class TemplateError extends PressroomError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'TemplateError';
  }
}

/** Markup that may go into a `{{{raw}}}` slot unescaped; only build it from sanitised HTML. */
export interface RawHtml {
  readonly __rawHtml: string;
}

export const rawHtml = (html: string): RawHtml => ({ __rawHtml: html });

export type TemplateValues = Record<string, string | RawHtml>;

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]);
}

const SLOT = /\{\{\{\s*([\w-]+)\s*\}\}\}|\{\{\s*([\w-]+)\s*\}\}/g;

/**
 * Fills every slot in one pass, so text inside a value (say a body that mentions `{{title}}`) is never
 * filled again. A slot without a value, or a value in the wrong kind of slot, throws.
 *
 * @example
 * fillTemplate('<h1>{{title}}</h1>{{{body}}}', { title: 'A & B', body: rawHtml('<p>hi</p>') });
 * // → '<h1>A &amp; B</h1><p>hi</p>'
 */
export function fillTemplate(template: string, values: TemplateValues): string {
  return template.replace(SLOT, (_slot, rawName: string | undefined, name: string | undefined) => {
    const key = rawName ?? name!;
    const value = Object.hasOwn(values, key) ? values[key] : undefined;
    if (value === undefined) throw new TemplateError(`template slot "${key}" has no value`);
    if (rawName !== undefined) {
      if (typeof value === 'string') throw new TemplateError(`raw slot "{{{${key}}}}" needs a rawHtml() value`);
      return value.__rawHtml;
    }
    if (typeof value !== 'string') throw new TemplateError(`slot "{{${key}}}" is escaped; use {{{${key}}}} for markup`);
    return escapeHtml(value);
  });
}
