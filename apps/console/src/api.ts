/** The services' public HTTP APIs, through the console's origin (`/api/<service>/…`), with the signed-in key. */
export type Service = 'opportunity' | 'offer-ingest' | 'entitlement' | 'metering';

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
  init: { method?: string; body?: unknown; key?: string } = {},
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
  const parsed = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) {
    const message = (parsed as { message?: string | string[] } | undefined)?.message;
    throw new ApiError(response.status, Array.isArray(message) ? message : message ? [message] : []);
  }
  return parsed as T;
}

export interface Opportunity {
  id: string;
  status: string;
  name: string;
  description?: string;
  productId: string;
  resellerAccountId: string;
  buyerAccountIds?: string[];
  expiryDate?: string;
  offerCount: number;
  createdAt: string;
  marketplace?: {
    resaleAuthorizationId?: string;
    changeSetId?: string;
    changeSetStatus?: string;
    errors?: { code?: string; message: string; changeName?: string }[];
    restrict?: { status: string; requestedAt: string };
  };
}
export interface Offer {
  id: string;
  type: string;
  status: string;
  awsOfferId?: string;
  resellerAccountId?: string;
  buyerAccountIds?: string[];
}
export interface Entitlement {
  id: string;
  type: string;
  status: string;
  agreementId: string;
  buyerAccountId: string;
  licenseArn?: string;
  startTime?: string;
  endTime?: string;
  grants: { dimensionKey: string; quantity: number }[];
  history: { status: string; at: string }[];
}
export interface UsageHour {
  hour: string;
  dimension: string;
  usage: number;
  included: number;
  overage: number;
  wholesaleValue?: string;
  status: string;
  meteringRecordId?: string;
}
export interface Page<T> {
  items: T[];
  nextCursor?: string;
}
