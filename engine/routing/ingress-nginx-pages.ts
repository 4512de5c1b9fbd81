/**
 * The answers ingress-nginx gives itself: nginx's built-in HTML pages (ngx_http_special_response.c,
 * with `server_tokens off`, so the footer says just "nginx"), and the default backend's plain-text 404.
 * Kept short on purpose: the status and the first line are what a student compares.
 */
import { nginxPage } from '../net/nginx-pages.ts';

export { nginxPage };

export const HTML: [string, string] = ['Content-Type', 'text/html'];
export const PLAIN: [string, string] = ['Content-Type', 'text/plain; charset=utf-8'];

/** Redirect statuses that `return` pairs with a Location; any other code's text becomes the body. */
export const REDIRECT_CODES = new Set([301, 302, 303, 307, 308]);
