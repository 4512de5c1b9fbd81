/**
 * The page nginx writes itself when a request ends on a redirect status and nothing wrote a body:
 * Kong's https-only redirect is `kong.response.exit(code)` without a body (kong/runloop/handler.lua),
 * whose `ngx.exit(code)` reaches ngx_http_special_response_handler. The bytes are
 * ngx_http_error_30x_page (nginx src/http/ngx_http_special_response.c) followed by the tail; Kong's
 * OpenResty build removes the tail's `<hr><center>openresty</center>` line
 * (build/openresty/patches/nginx-1.25.3_02-remove-server-tokens-from-special-responses-output.patch).
 */

/** The redirects Kong's https_redirect_status_code can name, with nginx's reason phrases. */
const TITLES: ReadonlyMap<number, string> = new Map([
  [301, '301 Moved Permanently'],
  [302, '302 Found'],
  [307, '307 Temporary Redirect'],
  [308, '308 Permanent Redirect'],
]);

export interface NginxPage {
  body: string;
  contentType: string;
}

/**
 * The page for a redirect status, or undefined for a status without one. nginx sets Content-Type
 * `text/html`; the charset module (Kong's kong.conf default `nginx_http_charset = UTF-8`) then adds
 * `; charset=UTF-8`, except for 301 and 302, which it leaves bare on purpose (ngx_http_set_charset:
 * "do not set charset for the redirect").
 */
export function nginxRedirectPage(status: number): NginxPage | undefined {
  const title = TITLES.get(status);
  if (title === undefined) return undefined;
  const body = `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n</body>\r\n</html>\r\n`;
  return { body, contentType: status === 301 || status === 302 ? 'text/html' : 'text/html; charset=UTF-8' };
}
