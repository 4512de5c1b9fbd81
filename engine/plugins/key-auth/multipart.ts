/**
 * Just enough of multipart/form-data (RFC 7578) for key-auth's `key_in_body`: Kong reads a multipart
 * body's fields as it reads a form's (semantics §6), and with `hide_credentials` sends the body on
 * without the key's part. Parts are found by their `Content-Disposition: form-data; name="…"`; a part's
 * value is its content up to the CRLF before the next delimiter.
 */

export interface MultipartField {
  name: string;
  value: string;
  /** Where the part (from its delimiter line) starts and the next delimiter begins: for removal. */
  start: number;
  end: number;
}

export interface MultipartBody {
  boundary: string;
  fields: MultipartField[];
}

/** The boundary parameter of a multipart/form-data Content-Type, quoted or not; undefined otherwise. */
export function multipartBoundary(contentType: string): string | undefined {
  if (!/^\s*multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const m = /;\s*boundary\s*=\s*(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  const boundary = m?.[1] ?? m?.[2];
  return boundary && boundary.length <= 70 ? boundary : undefined;
}

const NAME = /^content-disposition\s*:\s*form-data\s*;(?:.*;)?\s*name\s*=\s*(?:"([^"]*)"|([^;\s]+))/im;

/** The named fields of a multipart body, in order; undefined when the body is not well formed. */
export function parseMultipart(body: string, boundary: string): MultipartBody | undefined {
  const delimiter = `--${boundary}`;
  let at = body.startsWith(delimiter) ? 0 : body.indexOf(`\r\n${delimiter}`);
  if (at < 0) return undefined;
  if (at > 0) at += 2;
  const fields: MultipartField[] = [];
  for (;;) {
    const afterDelimiter = at + delimiter.length;
    if (body.startsWith('--', afterDelimiter)) return { boundary, fields };
    const headersStart = body.indexOf('\r\n', afterDelimiter);
    if (headersStart < 0) return undefined;
    const headersEnd = body.indexOf('\r\n\r\n', headersStart);
    if (headersEnd < 0) return undefined;
    const next = body.indexOf(`\r\n${delimiter}`, headersEnd + 4);
    if (next < 0) return undefined;
    const name = NAME.exec(body.slice(headersStart + 2, headersEnd + 2));
    const fieldName = name?.[1] ?? name?.[2];
    if (fieldName !== undefined) fields.push({ name: fieldName, value: body.slice(headersEnd + 4, next), start: at, end: next + 2 });
    at = next + 2;
  }
}

/** The body without the parts named `name` (the closing delimiter and everything else kept). */
export function withoutMultipartField(body: string, parsed: MultipartBody, name: string): string {
  let out = '';
  let from = 0;
  for (const f of parsed.fields) {
    if (f.name !== name) continue;
    out += body.slice(from, f.start);
    from = f.end;
  }
  return out + body.slice(from);
}
