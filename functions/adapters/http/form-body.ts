import { bodyText, header, jsonBody, type HttpEvent } from '../../runtime/http';

/** Whether the client sent JSON (and so expects JSON back) rather than an HTML form. */
export function isJsonRequest(event: HttpEvent): boolean {
  return /^application\/([\w.+-]+\+)?json\b/i.test(header(event, 'content-type') ?? '');
}

/** An `application/x-www-form-urlencoded` body; repeated fields (checkboxes) stay repeated. */
export function formFields(event: HttpEvent): URLSearchParams {
  return new URLSearchParams(bodyText(event));
}

/**
 * The request's fields as a plain object whichever way they came: a JSON object as is, a form with
 * `getAll` for the `repeated` names. Values are unchecked; the domain validates them.
 *
 * @example
 * const { email, lists } = requestFields(event, ['lists']);
 */
export function requestFields(event: HttpEvent, repeated: string[] = []): Record<string, unknown> {
  if (isJsonRequest(event)) {
    const body = jsonBody(event);
    return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  }
  const form = formFields(event);
  const fields: Record<string, unknown> = {};
  for (const name of new Set(form.keys())) fields[name] = repeated.includes(name) ? form.getAll(name) : form.get(name);
  return fields;
}
