import { lookup as dnsLookup, type LookupAddress, type LookupAllOptions } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';

/** What each refused range of addresses is called in an error (ipaddr.js's range names). */
const RANGE_NAMES: Record<string, string> = {
  loopback: 'loopback',
  private: 'private',
  uniqueLocal: 'private (fc00::/7)',
  linkLocal: 'link-local (incl. the cloud metadata address)',
  unspecified: 'unspecified',
  carrierGradeNat: 'carrier-grade NAT',
  broadcast: 'broadcast',
  multicast: 'multicast',
};

/** An outbound connection the guard refused: never retried into success by itself, but retried on schedule. */
export class TargetRefusedError extends Error {
  override readonly name = 'TargetRefusedError';
}

/**
 * Why `address` may not be a webhook's target, or undefined when it may: only public unicast addresses
 * pass (an IPv4-mapped IPv6 address is judged as the IPv4 address it carries).
 */
export function addressRefusal(address: string): string | undefined {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const parsed = ipaddr.process(address);
  const range = parsed.range();
  if (range === 'unicast') return undefined;
  return `${address} is ${RANGE_NAMES[range] ?? `not a public unicast address (${range})`}`;
}

/**
 * The SSRF guard of every webhook: a URL must be https and its host a public address, checked when the
 * endpoint is saved and again on every connection (DNS answers are checked as the socket is opened, so a
 * name that later resolves somewhere private is refused then). `WEBHOOK_ALLOWED_HOSTS` (host or host:port)
 * are let through, over http too — a developer's local receiver.
 */
export class TargetGuard {
  private readonly allowed: Set<string>;

  constructor(allowedHosts: string) {
    this.allowed = new Set(
      allowedHosts
        .split(',')
        .map((h) => h.trim().toLowerCase())
        .filter(Boolean),
    );
  }

  /** Whether the URL's host (or host:port) is on the allow-list. */
  isAllowed(url: URL): boolean {
    const host = bare(url.hostname).toLowerCase();
    return this.allowed.has(host) || this.allowed.has(`${host}:${effectivePort(url)}`);
  }

  /**
   * Why `raw` may not be a target, judged without DNS (scheme, literal addresses): undefined when it may.
   * Cheap: also run before every attempt (the allow-list may have changed since the endpoint was saved).
   */
  refusal(raw: string): string | undefined {
    let url: URL;
    try {
      url = new URL(raw);
    } catch {
      return 'url must be an absolute URL';
    }
    const allowed = this.isAllowed(url);
    if (url.protocol !== 'https:' && !(url.protocol === 'http:' && allowed))
      return `url must use https (http only to WEBHOOK_ALLOWED_HOSTS): ${url.protocol} refused`;
    if (url.username || url.password) return 'url must not carry credentials';
    if (allowed) return undefined;
    const host = bare(url.hostname);
    if (isIP(host)) {
      const refused = addressRefusal(host);
      return refused ? `url's host ${refused}: refused (not in WEBHOOK_ALLOWED_HOSTS)` : undefined;
    }
    return undefined;
  }

  /** `refusal` and, for a name, what it resolves to now (a name that does not resolve yet is let be). */
  async refusalWithDns(raw: string): Promise<string | undefined> {
    const refused = this.refusal(raw);
    if (refused) return refused;
    const url = new URL(raw);
    const host = bare(url.hostname);
    if (this.isAllowed(url) || isIP(host)) return undefined;
    const answers = await resolveAll(host).catch(() => [] as LookupAddress[]);
    const bad = answers.map((a) => addressRefusal(a.address)).find((r) => r !== undefined);
    return bad ? `url's host ${host} resolves to ${bad}: refused (not in WEBHOOK_ALLOWED_HOSTS)` : undefined;
  }

  /**
   * The `lookup` of every outbound socket to `url`: resolves as Node would, then refuses the connection
   * when any answer is not a public address (unless the host is allowed).
   */
  lookupFor(url: URL): LookupFunction {
    const allowed = this.isAllowed(url);
    return ((hostname: string, options: LookupAllOptions, callback: LookupCallback) => {
      dnsLookup(hostname, { ...options, all: true }, (error, answers) => {
        if (error) return callback(error, []);
        const bad = allowed
          ? undefined
          : answers.map((a) => addressRefusal(a.address)).find((r) => r !== undefined);
        if (bad)
          return callback(
            new TargetRefusedError(`${hostname} resolves to ${bad}: refused (not in WEBHOOK_ALLOWED_HOSTS)`),
            [],
          );
        if (options.all) return callback(null, answers);
        const [first] = answers;
        (callback as unknown as (e: null, address: string, family: number) => void)(
          null,
          first.address,
          first.family,
        );
      });
    }) as unknown as LookupFunction;
  }
}

type LookupCallback = (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void;

function resolveAll(host: string): Promise<LookupAddress[]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('dns timeout')), 2000);
    dnsLookup(host, { all: true }, (error, answers) => {
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(answers);
    });
  });
}

/** `[::1]` → `::1` (URL keeps the brackets of an IPv6 host). */
function bare(hostname: string): string {
  return hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
}

function effectivePort(url: URL): string {
  return url.port || (url.protocol === 'https:' ? '443' : '80');
}
