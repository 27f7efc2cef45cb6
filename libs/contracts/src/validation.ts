import 'reflect-metadata';
import { plainToInstance, Type } from 'class-transformer';
import {
  IsObject,
  IsOptional,
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
 * A nested object validated as its own class: required (must be an object) unless `optional`.
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
 * Returns the dotted path of the first object key starting with `$` (a Mongo operator), or undefined.
 * Input must never carry operators into a query.
 */
export function findOperatorKey(value: unknown, path = ''): string | undefined {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findOperatorKey(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return undefined;
  }
  if (value !== null && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const childPath = path ? `${path}.${key}` : key;
      if (key.startsWith('$')) return childPath;
      const found = findOperatorKey(child, childPath);
      if (found) return found;
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
  const operator = findOperatorKey(plain);
  if (operator) return { ok: false, errors: [`${operator}: keys starting with $ are not allowed`] };
  const instance = plainToInstance(cls, plain);
  const errors = validateSync(instance, {
    whitelist: true,
    forbidNonWhitelisted: options.forbidUnknown ?? false,
  });
  if (errors.length) return { ok: false, errors: flattenValidationErrors(errors) };
  return { ok: true, value: instance };
}
