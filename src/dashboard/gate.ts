// Who may talk to the dashboard: a browser on this machine, on this page. The checks a web page
// elsewhere cannot pass: a Host that names this machine (DNS rebinding sends a foreign name), no
// Origin but our own (a cross-site fetch or form sends its own), and, for the event stream and
// every action, the per-run token that only the printed URL carries.
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { isIP } from 'node:net';

/** The host name of a Host header value (`[::1]:80` → `::1`), lower case. */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(1, h.indexOf(']') > 0 ? h.indexOf(']') : undefined);
  const colon = h.lastIndexOf(':');
  return colon >= 0 && h.indexOf(':') === colon ? h.slice(0, colon) : h;
}

/** Why a request is refused (403), or undefined. `listenHost` is the --address. */
export function refuseForeign(req: IncomingMessage, listenHost: string): string | undefined {
  const host = req.headers.host;
  if (!host) return 'a request without a Host header is refused';
  const name = hostName(host);
  if (name !== 'localhost' && !name.endsWith('.localhost') && isIP(name) === 0 && name !== hostName(listenHost))
    return `host "${host}" is not this dashboard: open it by the address it printed`;
  const origin = req.headers.origin;
  if (origin !== undefined && origin.toLowerCase() !== `http://${host.toLowerCase()}`)
    return `origin "${origin}" is not this dashboard: requests from other pages are refused`;
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'a cross-site request is refused';
  return undefined;
}

/** True when `given` is the run's token (compared in constant time). */
export function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (typeof given !== 'string') return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
