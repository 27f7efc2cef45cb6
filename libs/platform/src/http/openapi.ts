import type { OpenAPIObject } from '@nestjs/swagger';
import { defaultMetadataStorage } from 'class-transformer/cjs/storage';
import { getMetadataStorage } from 'class-validator';
import { targetConstructorToSchema } from 'class-validator-jsonschema';
import { PUBLIC_EXTENSION } from '../auth/auth.decorators';

type Schema = Record<string, unknown>;
/** A class (a DTO). */
export type ClassType = abstract new (...args: never[]) => unknown;
type Operation = {
  parameters?: { name: string; in: string; required?: boolean; schema?: Schema }[];
  requestBody?: unknown;
  responses: Record<string, unknown>;
  security?: unknown[];
  [key: string]: unknown;
};

/** JSON-schema keywords that carry a class-validator constraint (types come from the document). */
const CONSTRAINTS = [
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'enum',
  'minItems',
  'maxItems',
  'uniqueItems',
  'not',
  'oneOf',
  'anyOf',
] as const;

const ERROR = 'ErrorResponse';

/**
 * Makes the OpenAPI document say what the API does, so that a client (or a fuzzer) generated from it sends
 * what the API accepts and expects what it answers:
 * - every class-validator constraint of a body, query or nested class (pattern, lengths, ranges, enums,
 *   array sizes) — read from class-validator's own metadata with `class-validator-jsonschema`, so the
 *   document cannot drift from the validation;
 * - public routes (health) without security; the error answers every route can give (400, 401, 404, 413,
 *   429) with their body.
 */
export function completeOpenApi(document: OpenAPIObject, parameterTypes: ClassType[] = []): OpenAPIObject {
  const classes = validatedClasses(parameterTypes);
  const schemas = (document.components ??= {}).schemas ?? {};
  document.components.schemas = schemas;
  for (const [name, schema] of Object.entries(schemas)) {
    const validated = classes.get(name);
    if (validated) mergeConstraints(schema as Schema, validated, schemas, classes);
  }
  schemas[ERROR] = {
    type: 'object',
    required: ['statusCode', 'message'],
    properties: {
      statusCode: { type: 'integer' },
      error: { type: 'string' },
      message: {
        description: 'what is wrong; for a 400, one message per field, naming it',
        oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
      },
    },
  };
  for (const [path, item] of Object.entries(document.paths)) {
    for (const operation of Object.values(item) as Operation[]) {
      if (!operation || typeof operation !== 'object' || !('responses' in operation)) continue;
      completeQuery(operation, classes);
      completeResponses(path, operation);
    }
  }
  return document;
}

/**
 * Every class class-validator knows, and every route parameter type (a DTO may only inherit its rules,
 * e.g. a PartialType), by name, as a JSON schema; names used by two classes are left alone.
 */
function validatedClasses(parameterTypes: ClassType[]): Map<string, Schema> {
  const storage = getMetadataStorage() as unknown as { validationMetadatas: Map<ClassType, unknown> };
  const byName = new Map<string, Schema | null>();
  const seen = new Set<ClassType>();
  for (const target of [...storage.validationMetadatas.keys(), ...parameterTypes]) {
    if (seen.has(target)) continue;
    seen.add(target);
    if (typeof target !== 'function' || !target.name) continue;
    byName.set(
      target.name,
      byName.has(target.name)
        ? null
        : (targetConstructorToSchema(target, {
            classTransformerMetadataStorage: defaultMetadataStorage,
            refPointerPrefix: '#/components/schemas/',
          }) as Schema),
    );
  }
  return new Map([...byName].filter((entry): entry is [string, Schema] => entry[1] !== null));
}

function pickConstraints(from: Schema | undefined): Schema {
  const picked: Schema = {};
  for (const key of CONSTRAINTS) if (from?.[key] !== undefined) picked[key] = from[key];
  return picked;
}

/**
 * Adds the validated class's constraints to a schema, and any validated property the document lacks (with
 * the schema of a nested validated class the document never reached).
 */
function mergeConstraints(
  target: Schema,
  validated: Schema,
  schemas: Record<string, unknown>,
  classes: Map<string, Schema>,
): void {
  const properties = (target['properties'] ??= {}) as Record<string, Schema>;
  const rules = (validated['properties'] ?? {}) as Record<string, Schema>;
  for (const [name, rule] of Object.entries(rules)) {
    for (const ref of [rule['$ref'], (rule['items'] as Schema | undefined)?.['$ref']]) {
      const nested = typeof ref === 'string' ? ref.split('/').pop() : undefined;
      const nestedRules = nested ? classes.get(nested) : undefined;
      if (nested && nestedRules && !schemas[nested]) {
        schemas[nested] = { type: 'object' };
        mergeConstraints(schemas[nested] as Schema, nestedRules, schemas, classes);
      }
    }
    const ref = rule['$ref'] as string | undefined;
    if (ref && !schemas[ref.split('/').pop() ?? '']) continue;
    const property = (properties[name] ??= stripUnknownRefs(rule, schemas));
    Object.assign(property, pickConstraints(rule));
    const items = rule['items'] as Schema | undefined;
    const documentedItems = property['items'] as Schema | undefined;
    if (items && documentedItems && !documentedItems['$ref'])
      Object.assign(documentedItems, pickConstraints(items));
  }
  // Unknown fields are refused (the validation pipe forbids them).
  target['additionalProperties'] = false;
  // Rules between fields a class states with @JSONSchema (e.g. "url required when type is CUSTOM").
  for (const key of ['anyOf', 'oneOf', 'allOf'])
    if (validated[key] !== undefined) target[key] = validated[key];
  const required = new Set([
    ...((target['required'] as string[] | undefined) ?? []),
    ...((validated['required'] as string[] | undefined) ?? []).filter((name) => name in properties),
  ]);
  if (required.size) target['required'] = [...required];
}

function stripUnknownRefs(rule: Schema, schemas: Record<string, unknown>): Schema {
  const copy = JSON.parse(JSON.stringify(rule)) as Schema;
  const items = copy['items'] as Schema | undefined;
  if (items?.['$ref'] && !schemas[String(items['$ref']).split('/').pop() ?? '']) delete copy['items'];
  return copy;
}

/**
 * Query parameters come from a query class the document does not name: the validated class whose
 * properties cover the operation's query parameters most tightly is taken as it.
 */
function completeQuery(operation: Operation, classes: Map<string, Schema>): void {
  const query = (operation.parameters ?? []).filter((p) => p.in === 'query');
  if (!query.length) return;
  let best: Schema | undefined;
  let bestSize = Infinity;
  for (const schema of classes.values()) {
    const properties = (schema['properties'] ?? {}) as Record<string, Schema>;
    const names = Object.keys(properties);
    if (query.every((p) => p.name in properties) && names.length < bestSize) {
      best = schema;
      bestSize = names.length;
    }
  }
  if (!best || bestSize !== query.length) return;
  const properties = best['properties'] as Record<string, Schema>;
  for (const parameter of query) {
    const rule = properties[parameter.name];
    const schema = (parameter.schema ??= {});
    // A defaulted number (`limit = 50`) reaches the document without its type.
    if (schema['type'] === undefined && typeof rule?.['type'] === 'string') schema['type'] = rule['type'];
    Object.assign(schema, pickConstraints(rule));
  }
}

const error = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: `#/components/schemas/${ERROR}` } } },
});

function completeResponses(path: string, operation: Operation): void {
  const isPublic = operation[PUBLIC_EXTENSION] === true;
  delete operation[PUBLIC_EXTENSION];
  const responses = operation.responses;
  const add = (status: string, description: string) => (responses[status] ??= error(description));
  if (isPublic) {
    operation.security = [];
    return;
  }
  if (operation.parameters?.length || operation.requestBody)
    add('400', 'invalid input; each message names its field');
  add('401', 'missing, unknown or revoked API key');
  if (path.includes('{')) add('404', "not found (or another org's)");
  if (operation.requestBody) add('413', 'body larger than 1 MiB');
  add('429', 'rate limit exceeded; see Retry-After');
}
