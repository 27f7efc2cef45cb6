import type { Manifest } from './tools';

const SECRET_KEYS = ['MONGO_URL', 'RABBITMQ_URL', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
/** The one service that scales on its SQS queue's depth. */
const QUEUE_SCALED = 'offer-ingest';

const serviceOf = (m: Manifest): string => m.metadata.labels?.['app.kubernetes.io/name'] ?? m.metadata.name;
const selects = (selector: Record<string, string> | undefined, labels: Record<string, string>) =>
  !!selector && Object.entries(selector).every(([key, value]) => labels[key] === value);

/**
 * What every rendering of the chart must hold, as a list of violations (empty when all hold): each
 * workload has probes on the health routes, requests and limits, a non-root and locked-down security
 * context, a PodDisruptionBudget and a Service; only offer-ingest scales on queue depth; an autoscaled
 * Deployment sets no replica count and has one autoscaler; no secret in the ConfigMap.
 */
export function chartViolations(manifests: Manifest[]): string[] {
  const violations: string[] = [];
  const of = (kind: string) => manifests.filter((m) => m.kind === kind);
  const deployments = of('Deployment');
  if (!deployments.length) violations.push('no Deployment rendered');
  const scaledObjects = of('ScaledObject');
  const hpas = of('HorizontalPodAutoscaler');

  for (const deployment of deployments) {
    const name = serviceOf(deployment);
    const pod = deployment.spec.template;
    const podSecurity = pod.spec.securityContext ?? {};
    for (const container of pod.spec.containers) {
      const at = `${name}/${container.name}`;
      if (container.readinessProbe?.httpGet?.path !== '/health/ready')
        violations.push(`${at}: no readiness probe on /health/ready`);
      if (container.livenessProbe?.httpGet?.path !== '/health/live')
        violations.push(`${at}: no liveness probe on /health/live`);
      for (const kind of ['requests', 'limits'])
        for (const resource of ['cpu', 'memory'])
          if (!container.resources?.[kind]?.[resource]) violations.push(`${at}: no ${resource} ${kind}`);
      const security = { ...podSecurity, ...container.securityContext };
      if (security.runAsNonRoot !== true) violations.push(`${at}: runAsNonRoot is not true`);
      if (security.runAsUser === 0) violations.push(`${at}: runs as user 0`);
      if (security.allowPrivilegeEscalation !== false)
        violations.push(`${at}: allowPrivilegeEscalation is not false`);
      if (security.readOnlyRootFilesystem !== true) violations.push(`${at}: root filesystem is writable`);
    }
    const labels = pod.metadata.labels ?? {};
    if (!of('PodDisruptionBudget').some((pdb) => selects(pdb.spec.selector?.matchLabels, labels)))
      violations.push(`${name}: no PodDisruptionBudget`);
    if (!of('Service').some((service) => selects(service.spec.selector, labels)))
      violations.push(`${name}: no Service`);
    const scalers = [
      ...scaledObjects.filter((s) => s.spec.scaleTargetRef?.name === deployment.metadata.name),
      ...hpas.filter((h) => h.spec.scaleTargetRef?.name === deployment.metadata.name),
    ];
    if (scalers.length > 1) violations.push(`${name}: ${scalers.length} autoscalers fight over it`);
    if (scalers.length && deployment.spec.replicas !== undefined)
      violations.push(`${name}: autoscaled, yet sets replicas (every upgrade would reset them)`);
  }

  for (const scaled of scaledObjects) {
    const target = deployments.find((d) => d.metadata.name === scaled.spec.scaleTargetRef?.name);
    const onQueue = (scaled.spec.triggers ?? []).some((t: { type: string }) => t.type === 'aws-sqs-queue');
    if (!target) violations.push(`ScaledObject ${scaled.metadata.name}: targets no Deployment of the chart`);
    else if (onQueue && serviceOf(target) !== QUEUE_SCALED)
      violations.push(`${serviceOf(target)}: scales on queue depth (only ${QUEUE_SCALED} may)`);
  }

  for (const config of of('ConfigMap'))
    for (const key of Object.keys(config.data ?? {}))
      if (SECRET_KEYS.includes(key))
        violations.push(`ConfigMap ${config.metadata.name}: holds secret ${key}`);
  return violations;
}
