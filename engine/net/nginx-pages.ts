/**
 * nginx's built-in error and redirect pages (ngx_http_special_response.c, with `server_tokens off`,
 * so the footer says just "nginx"). Shared by the limit_req emulation and the ingress-nginx dialect.
 */
const PHRASES: Record<number, string> = {
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  502: 'Bad Gateway',
  503: 'Service Temporarily Unavailable',
  504: 'Gateway Time-out',
};

/** nginx's page for a status (CRLF line ends, as nginx sends it). */
export function nginxPage(status: number): string {
  const phrase = PHRASES[status];
  const title = phrase ? `${status} ${phrase}` : String(status);
  return `<html>\r\n<head><title>${title}</title></head>\r\n<body>\r\n<center><h1>${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}
