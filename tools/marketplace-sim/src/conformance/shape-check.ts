import type { ServiceModel, Shape } from './service-model';

/** One way a value breaks its shape: where (`UsageRecords[0].Quantity`) and how, in AWS's wording. */
export interface Violation {
  path: string;
  problem: string;
}

/** What one check looked at: the shapes it visited (for the coverage figures) and what it found. */
export interface CheckResult {
  violations: Violation[];
  shapes: Set<string>;
}

const patterns = new Map<string, RegExp | null>();

/** The model's pattern as a JS RegExp (Java syntax; the few JS cannot read are skipped, and counted). */
function regex(pattern: string): RegExp | null {
  if (!patterns.has(pattern)) {
    let compiled: RegExp | null = null;
    // Some model patterns are escaped twice (`^\\S+[\\S\\s]*`: a backslash, then S): read as meant.
    const source = pattern.replace(/\\\\([sSdDwW])/g, '\\$1');
    for (const flags of ['u', '']) {
      try {
        compiled = new RegExp(source, flags);
        break;
      } catch {
        // try the next flags
      }
    }
    patterns.set(pattern, compiled);
  }
  return patterns.get(pattern) ?? null;
}

const describe = (value: unknown) => JSON.stringify(value)?.slice(0, 80) ?? String(value);

/**
 * Checks `value` against shape `name` of `model`: required members, no members the shape does not have,
 * types, enums, lengths and ranges, patterns, list and map sizes, unions with exactly one member. Timestamps
 * of the JSON protocols are epoch seconds (numbers); the Catalog API types its dates as patterned strings.
 */
export function checkShape(
  model: ServiceModel,
  name: string,
  value: unknown,
  options: { path?: string; patternExempt?: ReadonlySet<string> } = {},
): CheckResult {
  const result: CheckResult = { violations: [], shapes: new Set() };
  visit(model, name, value, options.path ?? '', { ...result, exempt: options.patternExempt ?? new Set() });
  return result;
}

type Visit = CheckResult & { exempt: ReadonlySet<string> };

function visit(model: ServiceModel, name: string, value: unknown, path: string, out: Visit): void {
  const shape: Shape | undefined = model.shapes[name];
  const at = path || '(root)';
  const fail = (problem: string): void => void out.violations.push({ path: at, problem });
  if (!shape) return fail(`the model has no shape ${name}`);
  out.shapes.add(name);
  if (shape.document) return; // any JSON value
  switch (shape.type) {
    case 'structure': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return fail(`Value ${describe(value)} must be an object (${name})`);
      const doc = value as Record<string, unknown>;
      const members = shape.members ?? {};
      for (const required of shape.required ?? [])
        if (doc[required] === undefined || doc[required] === null)
          out.violations.push({ path: join(path, required), problem: 'Member must not be null' });
      for (const key of Object.keys(doc)) {
        if (doc[key] === undefined) continue;
        const member = members[key];
        if (!member) {
          out.violations.push({ path: join(path, key), problem: `${name} has no member ${key}` });
          continue;
        }
        if (doc[key] === null) continue;
        visit(model, member.shape, doc[key], join(path, key), out);
      }
      if (shape.union) {
        const set = Object.keys(doc).filter((k) => doc[k] !== undefined && doc[k] !== null);
        if (set.length !== 1) fail(`${name} is a union: exactly one member must be set, not ${set.length}`);
      }
      return;
    }
    case 'list': {
      if (!Array.isArray(value)) return fail(`Value ${describe(value)} must be a list (${name})`);
      size(shape, value.length, fail, 'length');
      value.forEach((item, i) =>
        visit(model, (shape.member as { shape: string }).shape, item, `${path}[${i}]`, out),
      );
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value))
        return fail(`Value ${describe(value)} must be a map (${name})`);
      const entries = Object.entries(value as Record<string, unknown>);
      size(shape, entries.length, fail, 'length');
      for (const [key, item] of entries) {
        visit(model, (shape.key as { shape: string }).shape, key, `${path}{key}`, out);
        visit(model, (shape.value as { shape: string }).shape, item, `${path}.${key}`, out);
      }
      return;
    }
    case 'string': {
      if (typeof value !== 'string') return fail(`Value ${describe(value)} must be a string (${name})`);
      size(shape, [...value].length, fail, 'length');
      if (shape.enum && !shape.enum.includes(value))
        fail(
          `Value '${value}' failed to satisfy constraint: Member must satisfy enum value set: [${shape.enum.join(', ')}]`,
        );
      if (shape.pattern && !shape.enum && !out.exempt.has(name)) {
        const re = regex(shape.pattern);
        if (re && !re.test(value))
          fail(
            `Value '${value.slice(0, 80)}' failed to satisfy constraint: Member must satisfy regular expression pattern: ${shape.pattern}`,
          );
      }
      return;
    }
    case 'integer':
    case 'long':
      if (typeof value !== 'number' || !Number.isInteger(value))
        return fail(`Value ${describe(value)} must be an integer (${name})`);
      return size(shape, value, fail, 'value');
    case 'float':
    case 'double':
      if (typeof value !== 'number' || !Number.isFinite(value))
        return fail(`Value ${describe(value)} must be a number (${name})`);
      return size(shape, value, fail, 'value');
    case 'boolean':
      if (typeof value !== 'boolean') fail(`Value ${describe(value)} must be a boolean (${name})`);
      return;
    case 'timestamp': {
      const format = shape.timestampFormat ?? model.metadata.timestampFormat;
      const ok =
        format === 'iso8601'
          ? typeof value === 'string' && !Number.isNaN(Date.parse(value))
          : typeof value === 'number' && Number.isFinite(value);
      if (!ok) fail(`Value ${describe(value)} must be a timestamp (${format ?? 'epoch seconds'})`);
      return;
    }
    case 'blob':
      if (typeof value !== 'string') fail(`Value ${describe(value)} must be base64 text (${name})`);
      return;
    default:
      return fail(`shape ${name} has a type the checker does not know: ${String(shape.type)}`);
  }
}

function size(shape: Shape, n: number, fail: (problem: string) => void, what: 'length' | 'value'): void {
  if (shape.min !== undefined && n < shape.min)
    fail(`Member must have ${what} greater than or equal to ${shape.min} (it has ${n})`);
  if (shape.max !== undefined && n > shape.max)
    fail(`Member must have ${what} less than or equal to ${shape.max} (it has ${n})`);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
