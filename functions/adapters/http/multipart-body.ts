import { ValidationError } from '../../domain/errors';
import { header, type HttpEvent } from '../../runtime/http';

/** A `multipart/form-data` body: its text fields, and its files as bytes. */
export interface MultipartForm {
  field(name: string): string | undefined;
  file(name: string): { name: string; bytes: Buffer } | undefined;
}

/**
 * Parses a `multipart/form-data` body with the fetch API's own parser (undici, part of Node 20:
 * `Response.formData()`), so the project carries no multipart library of its own. The whole body is
 * in the event already (API Gateway caps it at 10 MB), so nothing here streams.
 *
 * @throws ValidationError when the request is not multipart or its body cannot be read as such.
 * @example
 * const form = await multipartForm(event);
 * const csv = form.file('file')?.bytes;
 */
export async function multipartForm(event: HttpEvent): Promise<MultipartForm> {
  const type = header(event, 'content-type') ?? '';
  if (!/^multipart\/form-data\b/i.test(type)) throw new ValidationError([{ field: 'content-type', message: 'send the form as multipart/form-data' }]);
  const body = event.body ? Buffer.from(event.body, event.isBase64Encoded ? 'base64' : 'utf8') : Buffer.alloc(0);
  let data: FormData;
  try {
    data = await new Response(body, { headers: { 'content-type': type } }).formData();
  } catch (error) {
    throw new ValidationError([{ field: 'body', message: `cannot be read as a form (${(error as Error).message})` }]);
  }
  const files = new Map<string, { name: string; bytes: Buffer }>();
  for (const [name, value] of data.entries()) {
    if (typeof value !== 'string' && !files.has(name)) files.set(name, { name: value.name, bytes: Buffer.from(await value.arrayBuffer()) });
  }
  return {
    field: (name) => {
      const value = data.get(name);
      return typeof value === 'string' ? value : undefined;
    },
    file: (name) => files.get(name),
  };
}
