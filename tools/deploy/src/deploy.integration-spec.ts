import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chartViolations } from './testing/invariants';
import { findDeployTools } from '@cppo/testing';
import { CHART, KUBERNETES, render, ROOT, run, type Manifest } from './testing/tools';

const PRODUCTION = ['-f', join(ROOT, 'deploy/helm/values-production.yaml')];
const WITH_KEDA = ['--api-versions', 'keda.sh/v1alpha1/ScaledObject'];

/**
 * The Helm chart and the Compose file, checked as CI can without a cluster, a Docker engine or network:
 * helm lint and template, every rendered manifest against the Kubernetes schemas (and KEDA's and the
 * Prometheus Operator's CRDs), the chart's invariants, and the Compose file resolved by compose-go.
 */
describe('deployment (helm, Kubernetes schemas, compose-go; offline)', () => {
  const tools = findDeployTools();
  const dir = mkdtempSync(join(tmpdir(), 'cppo-deploy-'));

  beforeAll(() => {
    if (!tools) throw new Error('deployment tools missing: run `bash tools/infra/up.sh deploy`');
  });

  /** The rendering, which must succeed. */
  const rendered = (args: string[]): Manifest[] => {
    const { run: result, manifests } = render(tools!.helm, args);
    expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
    return manifests;
  };

  /** The schema check's verdict on a rendering: exit status and its report. */
  function schemaCheck(name: string, manifests: string): { status: number | null; report: string } {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, manifests);
    const crds = tools!.crds.flatMap((crd) => ['--crd', crd]);
    const result = run(tools!.python, [
      join(ROOT, 'tools/deploy/check_manifests.py'),
      '-k',
      KUBERNETES,
      ...crds,
      file,
    ]);
    return { status: result.status, report: `${result.stdout}${result.stderr}` };
  }

  it('helm lint passes with the default and the production values', () => {
    for (const values of [[], PRODUCTION]) {
      const lint = run(tools!.helm, ['lint', CHART, '--strict', '--kube-version', KUBERNETES, ...values]);
      expect({ status: lint.status, out: lint.stdout }).toMatchObject({ status: 0 });
      expect(lint.stdout).toContain('1 chart(s) linted, 0 chart(s) failed');
    }
  });

  it.each([
    ['default values', []],
    ['default values, KEDA installed', WITH_KEDA],
    ['production values', PRODUCTION],
  ])(`%s: every manifest valid for Kubernetes ${KUBERNETES}, and every invariant holds`, (name, args) => {
    const { run: result, manifests } = render(tools!.helm, args);
    expect(result.status).toBe(0);
    const check = schemaCheck(name.replace(/\W+/g, '-'), result.stdout);
    expect(check).toEqual({ status: 0, report: expect.stringContaining(`: 0 problems`) });
    expect(chartViolations(manifests)).toEqual([]);
    expect(manifests.filter((m) => m.kind === 'Deployment').map((m) => m.metadata.name)).toEqual([
      'cppo-hub-console',
      'cppo-hub-entitlement',
      'cppo-hub-finance',
      'cppo-hub-metering',
      'cppo-hub-offer-ingest',
      'cppo-hub-opportunity',
      'cppo-hub-webhooks',
    ]);
  });

  it('offer-ingest scales on its queue through KEDA when the cluster has it, else on CPU; metering on CPU', () => {
    const scaled = (manifests: Manifest[]) =>
      manifests
        .filter((m) => m.kind === 'ScaledObject' || m.kind === 'HorizontalPodAutoscaler')
        .map((m) => `${m.kind} → ${m.spec.scaleTargetRef.name}`)
        .sort();
    const keda = rendered(WITH_KEDA);
    expect(scaled(keda)).toEqual([
      'HorizontalPodAutoscaler → cppo-hub-metering',
      'ScaledObject → cppo-hub-offer-ingest',
    ]);
    const scaledObject = keda.find((m) => m.kind === 'ScaledObject')!;
    expect(scaledObject.spec).toMatchObject({
      minReplicaCount: 1,
      maxReplicaCount: 10,
      triggers: [
        {
          type: 'aws-sqs-queue',
          authenticationRef: { name: 'cppo-hub-offer-ingest' },
          metadata: { queueLength: '200', awsRegion: 'us-east-1' },
        },
      ],
    });
    expect(keda.find((m) => m.kind === 'TriggerAuthentication')!.spec).toEqual({
      podIdentity: { provider: 'aws', identityOwner: 'workload' },
    });
    expect(scaled(rendered([]))).toEqual([
      'HorizontalPodAutoscaler → cppo-hub-metering',
      'HorizontalPodAutoscaler → cppo-hub-offer-ingest',
    ]);
    const production = rendered(PRODUCTION);
    expect(production.find((m) => m.kind === 'ScaledObject')!.spec).toMatchObject({
      minReplicaCount: 2,
      maxReplicaCount: 20,
      triggers: [{ metadata: { queueLength: '500' } }],
    });
  });

  it('the invariants catch planted violations', () => {
    const planted = (set: string[]) => chartViolations(rendered(set.flatMap((s) => ['--set', s])));
    expect(planted(['services.metering.resources=null'])).toEqual([
      'metering/metering: no cpu requests',
      'metering/metering: no memory requests',
      'metering/metering: no cpu limits',
      'metering/metering: no memory limits',
    ]);
    expect(planted(['podSecurityContext.runAsNonRoot=false'])).toEqual(
      ['console', 'entitlement', 'finance', 'metering', 'offer-ingest', 'opportunity', 'webhooks'].map(
        (name) => `${name}/${name}: runAsNonRoot is not true`,
      ),
    );
    expect(
      planted([
        'services.metering.autoscaling.mode=keda',
        'services.metering.env.SQS_QUEUE_URL=https://sqs.us-east-1.amazonaws.com/123456789012/usage',
      ]),
    ).toEqual(['metering: scales on queue depth (only offer-ingest may)']);
    expect(planted(['services.entitlement.pdb.enabled=false'])).toEqual([
      'entitlement: no PodDisruptionBudget',
    ]);
    expect(planted(['containerSecurityContext.readOnlyRootFilesystem=false'])).toHaveLength(7);
  });

  it('the schema check catches a field Kubernetes does not know', () => {
    const { run: result } = render(tools!.helm, ['--set', 'containerSecurityContext.runAsNonRot=true']);
    expect(result.status).toBe(0);
    const check = schemaCheck('planted-field', result.stdout);
    expect(check.status).toBe(1);
    expect(check.report).toContain("'runAsNonRot' was unexpected");
  });

  it("finance's import spills to a /tmp sized for it; the other services keep a small one", () => {
    const tmpOf = (name: string) =>
      rendered([])
        .find((m) => m.kind === 'Deployment' && m.metadata.name === `cppo-hub-${name}`)!
        .spec.template.spec.volumes.find((v: { name: string }) => v.name === 'tmp').emptyDir.sizeLimit;
    expect(tmpOf('finance')).toBe('2Gi');
    expect(tmpOf('metering')).toBe('64Mi');
  });

  it("the console gets the services' addresses and no connection strings", () => {
    const web = rendered([]).find((m) => m.kind === 'Deployment' && m.metadata.name === 'cppo-hub-console')!;
    const container = web.spec.template.spec.containers[0];
    expect(container.envFrom).toBeUndefined();
    expect(container.env).toEqual(
      expect.arrayContaining([
        { name: 'OPPORTUNITY_URL', value: 'http://cppo-hub-opportunity:3001' },
        { name: 'METERING_URL', value: 'http://cppo-hub-metering:3004' },
        { name: 'WEBHOOKS_URL', value: 'http://cppo-hub-webhooks:3005' },
        { name: 'FINANCE_URL', value: 'http://cppo-hub-finance:3006' },
      ]),
    );
    expect(web.spec.template.spec.securityContext).toMatchObject({ runAsUser: 101, runAsNonRoot: true });
  });

  it('connection strings come from the chart-made Secret or an existing one, never the ConfigMap', () => {
    const own = rendered([]);
    expect(own.find((m) => m.kind === 'Secret')!.stringData).toMatchObject({
      MONGO_URL: expect.stringMatching(/^mongodb:\/\//),
      RABBITMQ_URL: expect.stringMatching(/^amqp:\/\//),
      // made at install (no cluster to keep one from here): 32 random bytes
      WEBHOOK_SECRET_KEY: expect.stringMatching(/^[A-Za-z0-9+/]{43}=$/),
    });
    const existing = rendered(PRODUCTION);
    expect(existing.filter((m) => m.kind === 'Secret')).toEqual([]);
    const deployment = existing.find(
      (m) => m.metadata.name === 'cppo-hub-opportunity' && m.kind === 'Deployment',
    )!;
    expect(deployment.spec.template.spec.containers[0].envFrom).toContainEqual({
      secretRef: { name: 'cppo-hub-connections' },
    });
    const none = render(tools!.helm, ['--set', 'secrets.mongoUrl=']);
    expect(none.run.status).not.toBe(0);
    expect(none.run.stderr).toContain('secrets.mongoUrl and secrets.rabbitmqUrl are required');
  });

  it('docker-compose.yml resolves as `docker compose config` would; offer-ingest can run as several replicas', () => {
    for (const profile of [[], ['-profile', 'sim']]) {
      const result = run(tools!.composeCheck, [...profile, join(ROOT, 'docker-compose.yml')]);
      expect({ status: result.status, stderr: result.stderr }).toEqual({ status: 0, stderr: '' });
      const { services } = JSON.parse(result.stdout) as { services: Record<string, any> };
      expect(Object.keys(services)).toEqual(
        expect.arrayContaining([
          'opportunity',
          'offer-ingest',
          'entitlement',
          'metering',
          'webhooks',
          'finance',
          'mongo',
          'rabbitmq',
        ]),
      );
      for (const [name, service] of Object.entries(services))
        expect({ name, containerName: service.container_name }).toEqual({ name, containerName: undefined });
      // `--scale offer-ingest=3`: no fixed host port to collide on
      expect(services['offer-ingest'].ports ?? []).toEqual([]);
      expect(services['offer-ingest'].environment).toMatchObject({ HOST: '0.0.0.0' });
    }
    const broken = join(dir, 'broken-compose.yml');
    writeFileSync(broken, 'services:\n  a:\n    image: x\n    deploy: { replicas: many }\n');
    const refused = run(tools!.composeCheck, [broken]);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('replicas');
  });
});
