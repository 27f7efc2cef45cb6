import type { EntitlementJson, HourlyUsageJson, OfferJson, PageJson } from '@cppo/views/types';

/** The services' public HTTP APIs, through the console's origin (`/api/<service>/…`), with the signed-in key. */
export type Service = 'opportunity' | 'offer-ingest' | 'entitlement' | 'metering' | 'webhooks' | 'finance';

const KEY = 'cppo.apiKey';

export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (key: string) => sessionStorage.setItem(KEY, key),
  signOut: () => sessionStorage.removeItem(KEY),
};

/** An answer other than 2xx: its status and the API's messages (a 400 names the fields). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly messages: string[],
  ) {
    super(messages.join('; ') || `HTTP ${status}`);
  }
}

export async function api<T>(
  service: Service,
  path: string,
  init: { method?: string; body?: unknown; key?: string; text?: boolean } = {},
): Promise<T> {
  const key = init.key ?? session.key() ?? '';
  const response = await fetch(`/api/${service}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: {
      authorization: `Bearer ${key}`,
      ...(init.body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: init.body === undefined ? undefined : JSON.stringify(init.body),
  });
  const text = await response.text();
  if (init.text && response.ok) return text as T; // a CSV export
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const message = (parsed as { message?: string | string[] } | undefined)?.message;
    throw new ApiError(response.status, Array.isArray(message) ? message : message ? [message] : []);
  }
  return parsed as T;
}

// The APIs' answers, as the services declare them (the same types their view classes implement).
export type Opportunity = OfferJson;
export type Offer = OfferJson;
export type Entitlement = EntitlementJson;
export type UsageHour = HourlyUsageJson;
export type Page<T> = PageJson<T>;
