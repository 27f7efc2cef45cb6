/** An authorization as a channel file states it: an opportunity's fields (its key is where it sits). */
export type DesiredAuthorization = Record<string, unknown> & {
  name: string;
  productId: string;
  resellerAccountId: string;
};

/** An opportunity as the API answers it (the fields the plan reads). */
export interface CurrentOpportunity {
  id: string;
  key?: string;
  status: string;
  name?: string;
  description?: string;
  productId: string;
  resellerAccountId: string;
  buyerAccountIds: string[];
  expiryDate?: string;
  terms?: Record<string, unknown>;
  marketplace?: { restrict?: { status?: string } };
  createdAt: string;
}

export type Action =
  | { kind: 'create'; key: string; desired: DesiredAuthorization }
  | {
      kind: 'replace';
      key: string;
      desired: DesiredAuthorization;
      current: CurrentOpportunity;
      changed: string[];
    }
  | { kind: 'restrict'; key: string; current: CurrentOpportunity; reason: string }
  | { kind: 'unchanged'; key: string; current: CurrentOpportunity };

const KEY = /^[a-z0-9][a-z0-9._-]{0,62}$/;
/** The fields of an opportunity kept outside its `terms` in the API's view. */
const TOP = ['name', 'description', 'productId', 'resellerAccountId', 'buyerAccountIds', 'expiryDate'];

/** A channel file's content checked for its shape (the API checks each authorization's fields). */
export function desiredOf(document: unknown): Map<string, DesiredAuthorization> {
  const auths = (document as { authorizations?: unknown } | null)?.authorizations;
  if (!auths || typeof auths !== 'object' || Array.isArray(auths))
    throw new Error('the file needs `authorizations:`, a map of key → authorization');
  const desired = new Map<string, DesiredAuthorization>();
  for (const [key, spec] of Object.entries(auths)) {
    if (!KEY.test(key))
      throw new Error(`authorizations.${key}: a key is 1-63 lowercase letters, digits or ._-`);
    if (!spec || typeof spec !== 'object' || Array.isArray(spec))
      throw new Error(`authorizations.${key}: an authorization is a map of its fields`);
    for (const field of ['name', 'productId', 'resellerAccountId'])
      if (typeof (spec as Record<string, unknown>)[field] !== 'string')
        throw new Error(`authorizations.${key}.${field} is required (text)`);
    if ('key' in spec)
      throw new Error(`authorizations.${key}: the key is where it sits; no key field inside`);
    desired.set(key, spec as DesiredAuthorization);
  }
  return desired;
}

/** Still in force for the plan: not failed, restricted, expired, nor asked to be restricted. */
function inForce(o: CurrentOpportunity): boolean {
  if (['FAILED', 'RESTRICTED', 'EXPIRED'].includes(o.status)) return false;
  const restrict = o.marketplace?.restrict;
  return !restrict || restrict.status === 'FAILED';
}

/** The desired authorization in the stored shape the API answers (its defaults filled in). */
function normalize(d: DesiredAuthorization): Record<string, unknown> {
  const terms: Record<string, unknown> = { singleUse: false, eula: { type: 'STANDARD' } };
  const top: Record<string, unknown> = { buyerAccountIds: [] };
  for (const [field, value] of Object.entries(d)) {
    if (value === undefined || value === null) continue;
    if (TOP.includes(field)) top[field] = value;
    else terms[field] = value;
  }
  return { ...top, terms: JSON.parse(JSON.stringify(terms)) as unknown };
}

function currentShape(o: CurrentOpportunity): Record<string, unknown> {
  const top: Record<string, unknown> = {};
  for (const field of TOP) {
    const value = (o as unknown as Record<string, unknown>)[field];
    if (value !== undefined && value !== null) top[field] = value;
  }
  return { ...top, terms: o.terms ?? {} };
}

/** The dotted paths where two values differ (objects by key; anything else whole). */
function differences(a: unknown, b: unknown, path = ''): string[] {
  const isMap = (v: unknown) => !!v && typeof v === 'object' && !Array.isArray(v);
  if (isMap(a) && isMap(b)) {
    const keys = new Set([...Object.keys(a as object), ...Object.keys(b as object)]);
    return [...keys]
      .sort()
      .flatMap((k) =>
        differences(
          (a as Record<string, unknown>)[k],
          (b as Record<string, unknown>)[k],
          path ? `${path}.${k}` : k,
        ),
      );
  }
  return canonical(a) === canonical(b) ? [] : [path.replace(/^terms\./, '')];
}

/** JSON with object keys sorted: equal values, equal text (whatever realm or key order they come from). */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(
          Object.entries(v as Record<string, unknown>).sort(([x], [y]) => x.localeCompare(y)),
        )
      : v,
  );
}

/**
 * What it takes to make the org's keyed opportunities match the file: a key not in force → create; in force
 * with other fields → replace (AWS's authorizations cannot be edited: a new one, the old one restricted); in
 * force and not in the file → restrict; else unchanged. Two in force under one key: the newest counts, the
 * others are restricted.
 */
export function plan(desired: Map<string, DesiredAuthorization>, current: CurrentOpportunity[]): Action[] {
  const byKey = new Map<string, CurrentOpportunity[]>();
  for (const o of current
    .filter((c) => c.key && inForce(c))
    .sort((a, b) => b.createdAt.localeCompare(a.createdAt)))
    byKey.set(o.key as string, [...(byKey.get(o.key as string) ?? []), o]);
  const actions: Action[] = [];
  for (const [key, want] of [...desired].sort(([a], [b]) => a.localeCompare(b))) {
    const [newest, ...older] = byKey.get(key) ?? [];
    if (!newest) actions.push({ kind: 'create', key, desired: want });
    else {
      const changed = differences(currentShape(newest), normalize(want));
      actions.push(
        changed.length
          ? { kind: 'replace', key, desired: want, current: newest, changed }
          : { kind: 'unchanged', key, current: newest },
      );
    }
    for (const o of older)
      actions.push({ kind: 'restrict', key, current: o, reason: 'a newer one has its key' });
  }
  for (const [key, found] of [...byKey].sort(([a], [b]) => a.localeCompare(b)))
    if (!desired.has(key))
      for (const o of found) actions.push({ kind: 'restrict', key, current: o, reason: 'not in the file' });
  return actions;
}

/** The plan as lines a person reads, and its summary. */
export function describe(actions: Action[]): string[] {
  const lines = actions
    .filter((a) => a.kind !== 'unchanged')
    .map((a) => {
      switch (a.kind) {
        case 'create':
          return `+ create   ${a.key}: "${a.desired.name}" for ${a.desired.resellerAccountId} on ${a.desired.productId}`;
        case 'replace':
          return `~ replace  ${a.key}: ${a.current.id} → a new one (changed: ${a.changed.join(', ')}); restricts ${a.current.id}, irreversibly`;
        case 'restrict':
          return `- restrict ${a.key}: ${a.current.id} (${a.reason}), irreversibly`;
        default:
          return '';
      }
    });
  const count = (kind: Action['kind']) => actions.filter((a) => a.kind === kind).length;
  if (!lines.length) return [`No changes: ${count('unchanged')} authorization(s) match the file.`];
  return [
    ...lines,
    `Plan: ${count('create')} to create, ${count('replace')} to replace, ${count('restrict')} to restrict, ${count('unchanged')} unchanged.`,
  ];
}
