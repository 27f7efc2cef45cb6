import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { AwsError } from './aws-errors';
import { ModelConformance, validationMessage } from './conformance/conformance';
import { CatalogEntities } from './catalog/catalog.entities';
import { CatalogService } from './catalog/catalog.service';
import { AgreementApi } from './agreement/agreement.api';
import { EntitlementApi } from './entitlement/entitlement.api';
import { MeteringApi } from './metering/metering.api';
import { ScenarioError, ScenarioService } from './scenario/scenario.service';
import { LifecycleService } from './scenario/lifecycle.service';
import { SddsWriter, type Feed } from './sdds/sdds.writer';
import { EventBus, type DeliveryOptions } from './events';
import { Faults, type FaultRule, type ServiceKind } from './faults';
import { DEFAULT_CONFIG, SimState, type AgreementStatus, type SimConfig } from './state';
import { StsService, stsErrorXml } from './sts';
import { loadWorld, validateWorld, type World } from './world';

type Doc = Record<string, unknown>;

export interface SimulatorOptions {
  port?: number;
  host?: string;
  world?: World;
  config?: Partial<SimConfig>;
  /**
   * AWS's service models (`tools/infra/up.sh aws-models`): when given, every request is checked against
   * its operation's input shape (and refused as AWS would when it breaks it) and every answer against its
   * output shape; the findings are at `GET /_sim/conformance`.
   */
  modelsDir?: string;
}

export interface Simulator {
  url: string;
  port: number;
  state: SimState;
  close(): Promise<void>;
}

/** X-Amz-Target prefixes of the JSON-protocol services served on the same port as the Catalog API. */
const TARGETS: Record<string, { service: ServiceKind; json: '1.0' | '1.1' }> = {
  AWSMPCommerceService_v20200301: { service: 'agreement', json: '1.0' },
  AWSMPEntitlementService: { service: 'entitlement', json: '1.1' },
  AWSMPMeteringService: { service: 'metering', json: '1.1' },
};

/**
 * The caller's account: for session credentials from AssumeRole, the role's account (an unknown or expired
 * session is refused, as AWS would); else the access key id of the SigV4 credential when it is the account
 * id of a party of the world (tests use that to act as a given ISV or partner), else the world's first
 * seller (a deployment's single set of credentials).
 */
function callerAccount(request: FastifyRequest, world: World, sts: StsService): string {
  const credential = /Credential=([^/,\s]+)/.exec(String(request.headers['authorization'] ?? ''))?.[1];
  if (credential && sts.isSessionKey(credential)) {
    const account = sts.accountOf(credential);
    if (!account)
      throw new AwsError(
        'UnrecognizedClientException',
        403,
        'The security token included in the request is invalid',
      );
    return account;
  }
  const known = [...world.sellers, ...world.resellers, ...world.buyers];
  if (credential && known.some((party) => party.accountId === credential)) return credential;
  return world.sellers[0].accountId;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const state = new SimState(options.world ?? loadWorld());
  state.config = { ...DEFAULT_CONFIG, ...options.config };
  const events = new EventBus(state);
  const catalog = new CatalogService(state, events);
  const entities = new CatalogEntities(state);
  const scenarios = new ScenarioService(state, events);
  const lifecycle = new LifecycleService(state, events, scenarios);
  const sdds = new SddsWriter(state);
  const agreementApi = new AgreementApi(state);
  const entitlementApi = new EntitlementApi(state);
  const meteringApi = new MeteringApi(state);
  const faults = new Faults();
  const sts = new StsService(() => state.world, Date.now);
  const conformance = options.modelsDir ? ModelConformance.load(options.modelsDir) : undefined;
  const app: FastifyInstance = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });

  for (const type of ['application/x-amz-json-1.0', 'application/x-amz-json-1.1']) {
    app.addContentTypeParser(type, { parseAs: 'string' }, (_req, body, done) => {
      try {
        done(null, body ? JSON.parse(body as string) : {});
      } catch (error) {
        done(error as Error, undefined);
      }
    });
  }

  /** Runs an AWS operation: counts it, applies faults, and answers in the service's error format. */
  const aws =
    (
      operation: string,
      service: ServiceKind,
      handler: (caller: string, input: Doc, request: FastifyRequest) => Doc | Promise<Doc>,
      json?: '1.0' | '1.1',
    ) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      state.countCall(operation);
      const contentType = json ? `application/x-amz-json-${json}` : 'application/json';
      try {
        const query = (request.query as Doc) ?? {};
        const body = (request.body as Doc) ?? {};
        const violations = conformance?.request(service, operation, body, query) ?? [];
        if (violations.length)
          throw new AwsError('ValidationException', json ? 400 : 422, validationMessage(violations));
        await faults.apply(operation, service);
        const input = { ...query, ...body };
        const output = dropUndefined(await handler(callerAccount(request, state.world, sts), input, request));
        conformance?.response(service, operation, output);
        return reply.header('content-type', contentType).send(JSON.stringify(output));
      } catch (error) {
        if (!(error instanceof AwsError)) throw error;
        conformance?.error(service, operation, error.type);
        const body = json
          ? { __type: error.type, message: error.message, ...error.extra }
          : { Message: error.message, ...error.extra };
        return reply
          .code(error.status)
          .header('x-amzn-errortype', error.type)
          .header('content-type', contentType)
          .send(JSON.stringify(body));
      }
    };

  // ----- Catalog API (restJson1)
  const catalogRoutes: Array<
    ['get' | 'post' | 'patch', string, (caller: string, input: Doc) => Doc | Promise<Doc>]
  > = [
    ['post', 'StartChangeSet', (caller, input) => catalog.startChangeSet(caller, input)],
    [
      'get',
      'DescribeChangeSet',
      (caller, q) => catalog.describeChangeSet(caller, q['catalog'], q['changeSetId']),
    ],
    [
      'patch',
      'CancelChangeSet',
      (caller, q) => catalog.cancelChangeSet(caller, q['catalog'], q['changeSetId']),
    ],
    ['post', 'ListChangeSets', (caller, input) => catalog.listChangeSets(caller, input)],
    ['get', 'DescribeEntity', (caller, q) => entities.describeEntity(caller, q['catalog'], q['entityId'])],
    ['post', 'ListEntities', (caller, input) => entities.listEntities(caller, input)],
  ];
  for (const [method, operation, handler] of catalogRoutes) {
    app[method](`/${operation}`, aws(operation, 'catalog', handler));
  }

  // ----- Agreement (JSON 1.0), Entitlement and Metering (JSON 1.1): POST / with X-Amz-Target
  const operations: Record<string, (caller: string, input: Doc) => Doc> = {
    'AWSMPCommerceService_v20200301.DescribeAgreement': (c, i) => agreementApi.describeAgreement(c, i),
    'AWSMPCommerceService_v20200301.GetAgreementTerms': (c, i) => agreementApi.getAgreementTerms(c, i),
    'AWSMPCommerceService_v20200301.SearchAgreements': (c, i) => agreementApi.searchAgreements(c, i),
    'AWSMPEntitlementService.GetEntitlements': (c, i) => entitlementApi.getEntitlements(c, i),
    'AWSMPMeteringService.BatchMeterUsage': (c, i) =>
      meteringApi.batchMeterUsage(c, i, faults.unprocessed('BatchMeterUsage')),
    'AWSMPMeteringService.ResolveCustomer': (c, i) => meteringApi.resolveCustomer(c, i),
  };
  // ----- STS (Query protocol: a form POST to /, XML answers): AssumeRole only
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_req, body, done) =>
    done(null, Object.fromEntries(new URLSearchParams(body as string))),
  );
  const assumeRole = (request: FastifyRequest, reply: FastifyReply) => {
    state.countCall('AssumeRole');
    reply.header('content-type', 'text/xml');
    const input = request.body as Record<string, string>;
    try {
      // STS answers in XML: its requests are checked against the model, its answers are not.
      const violations = conformance?.request('sts', 'AssumeRole', input) ?? [];
      if (violations.length) throw new AwsError('ValidationError', 400, validationMessage(violations));
      faults.denied('AssumeRole', 'sts');
      return reply.send(sts.assumeRole(input));
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      conformance?.error('sts', 'AssumeRole', error.type);
      return reply.code(error.status).send(stsErrorXml(error));
    }
  };

  app.post('/', async (request, reply) => {
    const target = String(request.headers['x-amz-target'] ?? '');
    if (!target && (request.body as Doc | undefined)?.['Action'] === 'AssumeRole')
      return assumeRole(request, reply);
    const [prefix, operation] = target.split('.');
    const service = TARGETS[prefix];
    const handler = operations[target];
    if (!service || !handler) {
      return reply
        .code(400)
        .header('x-amzn-errortype', 'UnknownOperationException')
        .send({
          __type: 'UnknownOperationException',
          message: `marketplace-sim does not implement ${target || 'this request'}`,
        });
    }
    return aws(operation, service.service, handler, service.json)(request, reply);
  });

  // ----- Scenario API: plays the partner and the buyer, controls the simulator
  const scenario =
    (handler: (body: Doc, params: Record<string, string>, query: Record<string, string>) => unknown) =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      try {
        const result = await handler(
          (request.body as Doc) ?? {},
          (request.params as Record<string, string>) ?? {},
          (request.query as Record<string, string>) ?? {},
        );
        return reply.send(result ?? { ok: true });
      } catch (error) {
        if (error instanceof ScenarioError)
          return reply.code(error.status).send({ error: 'ScenarioError', message: error.message });
        if (error instanceof Error && !(error instanceof AwsError))
          return reply.code(400).send({ error: 'BadRequest', message: error.message });
        throw error;
      }
    };
  const delivery = (body: Doc) => body['delivery'] as DeliveryOptions | undefined;

  app.get('/_sim/health', async () => ({ status: 'ok' }));
  app.post(
    '/_sim/reset',
    scenario((body) => {
      state.reset(body['world'] ? validateWorld(body['world'] as World) : state.world);
      faults.clear();
      sts.reset();
      return { ok: true };
    }),
  );
  app.get('/_sim/world', async () => state.world);
  app.put(
    '/_sim/roles',
    scenario((body) => sts.registerRole(body['roleArn'], body['externalId'])),
  );
  app.get('/_sim/config', async () => state.config);
  app.put(
    '/_sim/config',
    scenario(async (body) => {
      const known = Object.keys(DEFAULT_CONFIG).concat(['sqsEndpoint', 'sqsQueueUrl', 'sddsEndpoint', 'now']);
      const unknown = Object.keys(body).filter((k) => !known.includes(k));
      if (unknown.length) throw new ScenarioError(400, `unknown config keys: ${unknown.join(', ')}`);
      if (body['now'] != null && Number.isNaN(Date.parse(String(body['now']))))
        throw new ScenarioError(400, 'now must be an ISO-8601 instant or null');
      state.config = { ...state.config, ...(body as Partial<SimConfig>) };
      // A clock moved forward may have passed a cancellation request's 7 days.
      await lifecycle.autoApprove();
      return state.config;
    }),
  );
  app.get('/_sim/faults', async () => faults.list());
  app.put(
    '/_sim/faults',
    scenario((body) => (faults.set((body['rules'] as FaultRule[]) ?? []), faults.list())),
  );
  app.delete(
    '/_sim/faults',
    scenario(() => faults.clear()),
  );
  app.get('/_sim/calls', async () => state.calls);
  app.get('/_sim/conformance', async (_request, reply) =>
    conformance
      ? conformance.report()
      : reply.code(404).send({
          error: 'NotEnabled',
          message: 'started without AWS service models (modelsDir, SIM_AWS_MODELS)',
        }),
  );
  app.delete(
    '/_sim/conformance',
    scenario(() => conformance?.clear()),
  );
  app.get('/_sim/resale-authorizations', async () => [...state.resaleAuthorizations.values()]);
  app.get('/_sim/change-sets', async () =>
    [...state.changeSets.values()].map(({ timers: _timers, ...rest }) => rest),
  );
  app.get('/_sim/offers', async () => [...state.offers.values()]);
  app.get('/_sim/agreements', async () => [...state.agreements.values()]);
  app.get(
    '/_sim/agreements/:id',
    scenario((_b, p) => {
      const agreement = state.agreements.get(p['id']);
      if (!agreement) throw new ScenarioError(404, `agreement ${p['id']} not found`);
      return agreement;
    }),
  );
  app.post(
    '/_sim/partner/offers',
    scenario((body) => scenarios.createPartnerOffer(body, delivery(body))),
  );
  app.post(
    '/_sim/seller/offers',
    scenario((body) => scenarios.createDirectOffer(body, delivery(body))),
  );
  app.post(
    '/_sim/buyer/accept',
    scenario((body) => scenarios.accept(body, delivery(body))),
  );
  app.post(
    '/_sim/agreements/:id/amend',
    scenario((body, p) => scenarios.amend(p['id'], body, delivery(body))),
  );
  app.post(
    '/_sim/agreements/:id/cancel',
    scenario((body, p) => scenarios.end(p['id'], 'CANCELLED', delivery(body))),
  );
  app.post(
    '/_sim/agreements/:id/end',
    scenario((body, p) =>
      scenarios.end(p['id'], String(body['status'] ?? 'EXPIRED') as AgreementStatus, delivery(body)),
    ),
  );
  app.post(
    '/_sim/agreements/:id/renew',
    scenario((body, p) => scenarios.accept({ ...body, previousAgreementId: p['id'] }, delivery(body))),
  );
  app.post(
    '/_sim/agreements/:id/deprovision',
    scenario((body, p) => scenarios.deprovision(p['id'], delivery(body))),
  );
  app.post(
    '/_sim/agreements/:id/cancellation-requests',
    scenario((body, p) => lifecycle.requestCancellation(p['id'], body, delivery(body))),
  );
  app.get('/_sim/cancellation-requests', async () => [...state.cancellationRequests.values()]);
  app.post(
    '/_sim/cancellation-requests/:id/:answer',
    scenario((body, p) => {
      const answer = p['answer'];
      if (answer !== 'approve' && answer !== 'reject' && answer !== 'withdraw')
        throw new ScenarioError(404, 'answer must be approve, reject or withdraw');
      return lifecycle.answerCancellation(p['id'], answer, delivery(body));
    }),
  );
  app.post(
    '/_sim/cancellation-requests/auto-approve',
    scenario(async () => ({ approved: await lifecycle.autoApprove() })),
  );
  app.post(
    '/_sim/agreements/:id/billing-adjustments',
    scenario((body, p) => lifecycle.adjustBilling(p['id'], body, delivery(body))),
  );
  app.get('/_sim/billing-adjustments', async () => [...state.billingAdjustments.values()]);
  app.post(
    '/_sim/partner/offer-sets',
    scenario((body) => lifecycle.createOfferSet(body, delivery(body))),
  );
  app.get('/_sim/offer-sets', async () => [...state.offerSets.values()]);
  app.post(
    '/_sim/sdds/deliver',
    scenario((body, _p, query) => {
      const through = String(
        query['through'] ?? body['through'] ?? new Date(state.now()).toISOString().slice(0, 10),
      );
      if (!/^\d{4}-\d{2}-\d{2}$/.test(through))
        throw new ScenarioError(400, 'through must be a date (YYYY-MM-DD)');
      return sdds.deliver(through);
    }),
  );
  app.post(
    '/_sim/sdds/rows',
    scenario((body) => {
      sdds.plant(
        body['feed'] as Feed,
        body['row'] as Record<string, string> | undefined,
        body['raw'] as string | undefined,
      );
      return { planted: state.sdds.planted.length };
    }),
  );
  app.get('/_sim/sdds', async () => ({
    through: state.sdds.through,
    files: Object.fromEntries([...state.sdds.files].map(([key, lines]) => [key, lines.length - 1])),
  }));
  app.post(
    '/_sim/notifications/sns',
    scenario((body) => scenarios.snsNotification(body, delivery(body))),
  );
  app.get('/_sim/events', async () =>
    state.events.map((e) => ({ ...e, body: JSON.parse(e.body) as unknown })),
  );
  app.post(
    '/_sim/events/release',
    scenario(async (body) => {
      const order = body['order'] ?? 'newest-first';
      if (order !== 'newest-first' && order !== 'shuffled')
        throw new ScenarioError(400, 'order must be newest-first or shuffled');
      const sent = await events.releaseHeld(order);
      return { released: new Set(sent).size, sent };
    }),
  );
  app.get('/_sim/metering-records', async () => [...state.meteringRecords.values()]);

  const address = await app.listen({ port: options.port ?? 4600, host: options.host ?? '127.0.0.1' });
  const port = Number(new URL(address).port);
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    state,
    close: async () => {
      state.reset();
      events.close();
      sdds.close();
      await app.close();
    },
  };
}

function dropUndefined(value: Doc): Doc {
  return JSON.parse(JSON.stringify(value)) as Doc;
}
