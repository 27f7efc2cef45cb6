import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsObject,
  IsOptional,
  ValidateIf,
  Matches,
  ValidateNested,
  validateSync,
  type ValidationError,
  type ValidationOptions,
} from 'class-validator';

export type Validated<T> = { ok: true; value: T } | { ok: false; errors: string[] };

/** A 12-digit AWS account id. */
export const AWS_ACCOUNT_ID = /^\d{12}$/;
export function IsAwsAccountId(options?: ValidationOptions): PropertyDecorator {
  return Matches(AWS_ACCOUNT_ID, { message: '$property must be a 12-digit AWS account id', ...options });
}

/**
 * The field may be left out; when given it is validated — `null` too, which is not a value (class-
 * validator's IsOptional would let `null` through to code that expects the type).
 */
export function Omittable(options?: ValidationOptions): PropertyDecorator {
  return ValidateIf((_object: unknown, value: unknown) => value !== undefined, options);
}

/**
 * A nested object validated as its own class: required (must be an object) unless `optional` (then absent
 * or null: AWS sends null for objects it leaves out). For an input that may be left out but not null,
 * put `Omittable()` before the required form.
 * One decorator for class-validator's usual three, so shapes read as their fields.
 */
export function Nested(
  type: () => new () => object,
  options: { optional?: boolean } = {},
): PropertyDecorator {
  const decorators = [options.optional ? IsOptional() : IsObject(), ValidateNested(), Type(type)];
  return (target, key) => decorators.forEach((decorate) => decorate(target, key));
}

/** Flattens class-validator errors into `path: message` strings so every message names its field. */
export function flattenValidationErrors(errors: ValidationError[], parent = ''): string[] {
  const out: string[] = [];
  for (const error of errors) {
    const path = parent ? `${parent}.${error.property}` : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      out.push(message.includes(error.property) && !parent ? message : `${path}: ${message}`);
    }
    out.push(...flattenValidationErrors(error.children ?? [], path));
  }
  return out;
}

/**
 * What one input (HTTP body, query, message, notification) may hold before anything transforms it:
 * class-transformer's work grows with the square of an object's key count and recursion follows the
 * nesting, so both are capped first. Our largest input (1000 usage records) has ~7,000 values at depth 3.
 */
export const INPUT_LIMITS = { maxDepth: 32, maxKeysPerObject: 256, maxValues: 20_000 } as const;

export type InputLimits = typeof INPUT_LIMITS;

/**
 * The first reason `value` is not acceptable input, or undefined: a key starting with `$` (a Mongo
 * operator — input never carries one into a query), nesting deeper than `maxDepth`, an object with more
 * than `maxKeysPerObject` keys, more than `maxValues` values in all. Iterative, and it stops at the first
 * problem, so a hostile value costs at most `maxValues` steps and no stack. Paths in the reason start with
 * `root` when given (`query.cursor`), else with the field itself (`records[3].dimension`).
 */
export function inputProblem(
  value: unknown,
  root?: string,
  limits: InputLimits = INPUT_LIMITS,
): string | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root ?? '', depth: 0 }];
  let values = 0;
  while (stack.length) {
    const next = stack.pop() as { value: unknown; path: string; depth: number };
    if (next.value === null || typeof next.value !== 'object') continue;
    const where = next.path || 'value';
    if (next.depth >= limits.maxDepth) return `${where}: nested deeper than ${limits.maxDepth} levels`;
    const isArray = Array.isArray(next.value);
    const keys = isArray ? [] : Object.keys(next.value);
    const size = isArray ? (next.value as unknown[]).length : keys.length;
    if (!isArray && size > limits.maxKeysPerObject)
      return `${where}: more than ${limits.maxKeysPerObject} fields in one object`;
    values += size;
    if (values > limits.maxValues) return `${where}: more than ${limits.maxValues} values in all`;
    if (isArray) {
      const items = next.value as unknown[];
      for (let i = items.length - 1; i >= 0; i--)
        stack.push({ value: items[i], path: `${next.path}[${i}]`, depth: next.depth + 1 });
      continue;
    }
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const path = next.path ? `${next.path}.${key}` : key;
      if (key.startsWith('$')) return `${path}: keys starting with $ are not allowed`;
      stack.push({ value: (next.value as Record<string, unknown>)[key], path, depth: next.depth + 1 });
    }
  }
  return undefined;
}

/**
 * Validates a plain object against a class-validator class. Messages are validated with unknown fields
 * stripped, not rejected: a producer may add fields to a v1 payload (contracts are extended, never changed).
 */
export function validatePlain<T extends object>(
  cls: new () => T,
  plain: unknown,
  options: { forbidUnknown?: boolean } = {},
): Validated<T> {
  if (plain === null || typeof plain !== 'object' || Array.isArray(plain)) {
    return { ok: false, errors: ['value must be a JSON object'] };
  }
  const problem = inputProblem(plain);
  if (problem) return { ok: false, errors: [problem] };
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: options.forbidUnknown ?? false,
  });
  if (errors.length) return { ok: false, errors: flattenValidationErrors(errors) };
  return { ok: true, value: instance };
}
