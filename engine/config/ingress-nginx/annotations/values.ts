/**
 * Annotation values read the way ingress-nginx's parser package reads them (parser/main.go,
 * parser/validators.go): a per-key validator runs on the raw string first (a failure is a validation
 * error: the controller logs a warning and uses the default), then Go's strconv parses it. Values are
 * always strings in Kubernetes.
 */

/** Go strconv.ParseBool. */
export function goParseBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false;
  return undefined;
}

/** Go strconv.Atoi: optional sign, decimal digits, nothing else (no spaces, no decimal point). */
export function goAtoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** parser.normalizeString: every line trimmed. */
export function normalizeString(s: string): string {
  return s
    .split('\n')
    .map((l) => l.trim())
    .join('\n');
}

const ALNUM = String.raw`\-\.\_\~a-zA-Z0-9\/:`;

/** The validators the annotations ingress-nginx models here use (validators.go). */
export const VALIDATORS = {
  /** BasicCharsRegex, with spaces removed first. */
  basicChars: (s: string): boolean => new RegExp(`^[/${ALNUM}]*$`).test(s.replaceAll(' ', '')),
  /** RegexPathWithCapture: rewrite-target, app-root. */
  pathWithCapture: (s: string): boolean => new RegExp(String.raw`^/?[${ALNUM}\/\$]*$`).test(s),
  /** URLIsValidRegex: permanent-redirect, temporal-redirect. */
  url: (s: string): boolean => new RegExp(`^[${ALNUM},:?&=]*$`).test(s),
  /** IsValidRegex: canary-by-header-pattern (letters, digits, path and regex characters only). */
  regexChars: (s: string): boolean => new RegExp(String.raw`^[/${ALNUM}\^\$\[\]\(\)\{\}\*\+\?\|&=\\]*$`).test(s),
  /** ValidateServerName, for upstream-vhost and server-alias entries. */
  serverName: (s: string): boolean => new RegExp(String.raw`^[/${ALNUM}\^\$\[\]\(\)\{\}\*\+\?\|&=\\]*$`).test(s.trim()),
  /** A DNS-1035 label (ValidateServiceName), for default-backend. */
  serviceName: (s: string): boolean => /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(s),
  /** Line breaks are refused in every value (MaliciousRegex). */
  noNewlines: (s: string): boolean => !/[\r\n]/.test(s),
};

/** net.ParseCIDRs: comma-separated entries, each an IP or a CIDR; an empty value is an empty list. */
export function parseCidrs(value: string): { cidrs: string[] } | { error: string } {
  const out: string[] = [];
  for (const raw of value.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const [ip, prefix, extra] = part.split('/');
    if (extra !== undefined || !ip || !isIpText(ip) || (prefix !== undefined && !/^\d{1,3}$/.test(prefix))) {
      return { error: `"${part}" is not an IP address or CIDR` };
    }
    const max = ip.includes(':') ? 128 : 32;
    if (prefix !== undefined && Number(prefix) > max) return { error: `"${part}" has a prefix longer than ${max}` };
    out.push(part);
  }
  return { cidrs: out };
}

function isIpText(s: string): boolean {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(s)) return s.split('.').every((o) => Number(o) <= 255 && (o === '0' || !o.startsWith('0')));
  return /^[0-9a-fA-F:.]+$/.test(s) && s.includes(':');
}

/** Go net/url.Parse scheme check used by the redirect parser: the scheme must start with "http". */
export function isHttpUrl(s: string): boolean {
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(s);
  return !!m && (m[1] ?? '').toLowerCase().startsWith('http');
}
