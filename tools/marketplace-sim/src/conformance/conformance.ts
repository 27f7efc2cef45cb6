import { checkShape, type Violation } from './shape-check';
import { loadServiceModels, type ModelledService, type ServiceModel } from './service-model';

/**
 * Errors any AWS API may answer although no operation lists them (AWS's "Common Errors" page): access,
 * signing, throttling and validation failures of the request as a whole.
 */
const COMMON_ERRORS = new Set([
  'AccessDeniedException',
  'AccessDenied',
  'ExpiredTokenException',
  'IncompleteSignature',
  'InternalFailure',
  'InvalidClientTokenId',
  'NotAuthorized',
  'ServiceUnavailable',
  'ThrottlingException',
  'UnrecognizedClientException',
  'ValidationException',
  'ValidationError',
]);

/**
 * Where AWS's model and AWS's own pages disagree, we follow the pages (what AWS's services answer and
 * accept, in AWS's documented examples and reference code): these shapes' patterns are not applied.
 */
export const MODEL_DISAGREEMENTS: Record<string, string> = {
  'catalog:EntityType':
    "the model's ^[a-zA-Z]+$ refuses 'ResaleAuthorization@1.0'; its own documentation says EntityType@Version, and every AWS example and sample sends and answers that form",
  'catalog:ChangeName':
    "the model's ^[a-zA-Z]$ allows one letter (with length 1-72); AWS's change-set examples name changes like 'ResaleAuthorization'",
  'catalog:Identifier':
    "the model's ^[\\w\\-@]+$ refuses '$ChangeName.Entity.Identifier', the reference to an entity created earlier in the same change set that AWS's resale authorization pages use",
};

/** One exchange that broke AWS's model: who broke it (our request or the simulator's answer), where, how. */
export interface ConformanceViolation extends Violation {
  service: ModelledService;
  operation: string;
  side: 'request' | 'response' | 'error';
}

export interface ConformanceReport {
  /** botocore's version the models come from. */
  models: string;
  /** Exchanges checked, per `service.Operation`: requests, answers, errors. */
  checked: Record<string, { requests: number; responses: number; errors: number }>;
  /** Distinct shapes of the models the checked values went through (`service:Shape`), and how many. */
  shapes: number;
  shapeNames: string[];
  requestViolations: ConformanceViolation[];
  responseViolations: ConformanceViolation[];
}

/**
 * The second oracle: every request the simulator receives and every answer it gives, checked against the
 * operation's input and output shapes in AWS's published service models (botocore's, pinned). A request
 * that breaks its shape is refused as AWS refuses it (ValidationException naming the member); an answer
 * that breaks its shape is the simulator's bug and is recorded, for the tests to fail on.
 */
export class ModelConformance {
  private readonly checked: ConformanceReport['checked'] = {};
  private readonly shapes = new Set<string>();
  private readonly requestViolations: ConformanceViolation[] = [];
  private readonly responseViolations: ConformanceViolation[] = [];

  constructor(
    private readonly models: Record<ModelledService, ServiceModel>,
    private readonly version: string,
  ) {}

  static load(dir: string): ModelConformance {
    return new ModelConformance(loadServiceModels(dir), dir.split('/').filter(Boolean).pop() ?? dir);
  }

  /**
   * Checks a request: `query` holds what travelled in the query string (restJson1's `location:
   * querystring` members, by their wire name), `body` the JSON (or form) members. Returns the violations.
   */
  request(
    service: ModelledService,
    operation: string,
    body: Record<string, unknown>,
    query: Record<string, unknown> = {},
  ): ConformanceViolation[] {
    const model = this.models[service];
    const op = model.operations[operation];
    this.count(service, operation, 'requests');
    if (!op)
      return this.record(this.requestViolations, service, operation, 'request', [
        { path: '(operation)', problem: `${model.metadata.serviceId} has no operation ${operation}` },
      ]);
    if (!op.input) return [];
    const input = this.inputDocument(model, op.input.shape, body, query, service === 'sts');
    const result = checkShape(model, op.input.shape, input, { patternExempt: this.exempt(service) });
    result.shapes.forEach((s) => this.shapes.add(`${service}:${s}`));
    return this.record(this.requestViolations, service, operation, 'request', result.violations);
  }

  /** Checks an answer against the operation's output shape. */
  response(service: ModelledService, operation: string, output: Record<string, unknown>): void {
    const model = this.models[service];
    const op = model.operations[operation];
    this.count(service, operation, 'responses');
    if (!op?.output) return;
    const result = checkShape(model, op.output.shape, output, { patternExempt: this.exempt(service) });
    result.shapes.forEach((s) => this.shapes.add(`${service}:${s}`));
    this.record(this.responseViolations, service, operation, 'response', result.violations);
  }

  /** Checks that an error answer is one the operation (or every AWS API) can give. */
  error(service: ModelledService, operation: string, type: string): void {
    const op = this.models[service].operations[operation];
    this.count(service, operation, 'errors');
    const listed = (op?.errors ?? []).map((e) => e.shape);
    if (listed.includes(type) || COMMON_ERRORS.has(type)) return;
    this.record(this.responseViolations, service, operation, 'error', [
      {
        path: '(error)',
        problem: `${operation} cannot answer ${type}: its model lists ${listed.join(', ') || 'no errors'}`,
      },
    ]);
  }

  report(): ConformanceReport {
    return {
      models: this.version,
      checked: structuredClone(this.checked),
      shapes: this.shapes.size,
      shapeNames: [...this.shapes].sort(),
      requestViolations: [...this.requestViolations],
      responseViolations: [...this.responseViolations],
    };
  }

  clear(): void {
    for (const key of Object.keys(this.checked)) delete this.checked[key];
    this.shapes.clear();
    this.requestViolations.length = 0;
    this.responseViolations.length = 0;
  }

  private exempt(service: ModelledService): Set<string> {
    return new Set(
      Object.keys(MODEL_DISAGREEMENTS)
        .filter((key) => key.startsWith(`${service}:`))
        .map((key) => key.slice(service.length + 1)),
    );
  }

  /**
   * The input as the model names it: query-string members by their member name; for STS (Query protocol,
   * everything a string on the wire) numbers read back from their text, and `Action`/`Version` dropped.
   */
  private inputDocument(
    model: ServiceModel,
    shapeName: string,
    body: Record<string, unknown>,
    query: Record<string, unknown>,
    form: boolean,
  ): Record<string, unknown> {
    const members = model.shapes[shapeName]?.members ?? {};
    const input: Record<string, unknown> = { ...body };
    for (const [name, member] of Object.entries(members)) {
      if (member.location && member.locationName && query[member.locationName] !== undefined)
        input[name] = query[member.locationName];
      const type = model.shapes[member.shape]?.type;
      if (form && (type === 'integer' || type === 'long') && typeof input[name] === 'string')
        input[name] = Number(input[name]);
    }
    if (form) {
      delete input['Action'];
      delete input['Version'];
    }
    return input;
  }

  private count(
    service: ModelledService,
    operation: string,
    what: 'requests' | 'responses' | 'errors',
  ): void {
    const key = `${service}.${operation}`;
    this.checked[key] ??= { requests: 0, responses: 0, errors: 0 };
    this.checked[key][what] += 1;
  }

  private record(
    into: ConformanceViolation[],
    service: ModelledService,
    operation: string,
    side: ConformanceViolation['side'],
    violations: Violation[],
  ): ConformanceViolation[] {
    const found = violations.map((v) => ({ ...v, service, operation, side }));
    // Bounded: a runaway test cannot grow the simulator without end.
    if (into.length < 1000) into.push(...found.slice(0, 1000 - into.length));
    return found;
  }
}

/** AWS's wording of a refused request: "1 validation error detected: Value … at 'member' failed …". */
export function validationMessage(violations: Violation[]): string {
  const shown = violations.slice(0, 5).map((v) => `${v.problem} at '${v.path}'`);
  return `${violations.length} validation error${violations.length === 1 ? '' : 's'} detected: ${shown.join('; ')}`;
}
