/**
 * deploy/kubernetes: the base and both overlays built the way `kubectl kustomize` builds them (for
 * the features they use: resources, labels, images, namespace, replicas, JSON 6902 patches), every
 * object validated against the Kubernetes API schemas of kubernetes-models (no cluster here), and
 * the wiring checked against the services themselves: ports, probes, shutdown, env keys, selectors.
 */
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { bffSettingsSchema, type BffProfile } from '@shop/bff';
import { providerConfigSchema } from '@shop/payment-provider-simulator';
import { baseConfigSchema } from '@shop/service-kit';
import { defaultMetricsPort, SERVICES as LISTED, settingPrefix, SUBGRAPHS, subgraphUrlSetting } from '@shop/services';
import { MOBILE_BFF } from '../gateways/mobile-bff/src/config';
import { WEB_BFF } from '../gateways/web-bff/src/config';
import { storefrontConfigSchema } from './storefront-server';
import { subgraphDefinition } from './subgraphs';

const root = join(__dirname, '..', 'deploy', 'kubernetes');

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: Json | undefined };
interface Kustomization {
  resources?: string[];
  namespace?: string;
  labels?: { pairs: Record<string, string> }[];
  images?: { name: string; newName?: string; newTag?: string }[];
  replicas?: { name: string; count: number }[];
  patches?: { target: { kind?: string; name?: string }; patch: string }[];
}
type PatchOp = { op: 'add' | 'replace' | 'remove'; path: string; value?: Json };

/** RFC 6902 add / replace / remove on a JSON pointer (kustomize's JSON 6902 patches). */
function applyPatch(target: Json, ops: PatchOp[]): void {
  for (const { op, path, value } of ops) {
    const keys = path.split('/').slice(1).map((k) => k.replace(/~1/g, '/').replace(/~0/g, '~'));
    const last = keys.pop()!;
    let parent = target as Record<string, Json> | Json[];
    for (const key of keys) {
      const next = (parent as Record<string, Json>)[key];
      if (next === undefined || next === null || typeof next !== 'object') throw new Error(`${op} ${path}: no ${key}`);
      parent = next as Record<string, Json>;
    }
    if (Array.isArray(parent)) {
      const index = last === '-' ? parent.length : Number(last);
      if (op === 'add') parent.splice(index, 0, value!);
      else if (index >= parent.length) throw new Error(`${op} ${path}: no element ${last}`);
      else if (op === 'replace') parent[index] = value!;
      else parent.splice(index, 1);
    } else {
      if (op !== 'add' && !(last in parent)) throw new Error(`${op} ${path}: no ${last}`);
      if (op === 'remove') delete parent[last];
      else parent[last] = value!;
    }
  }
}

const containersOf = (o: K8sObject) => ((o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers);

/** What `kubectl kustomize <dir>` gives, for the features these files use. */
function build(dir: string): K8sObject[] {
  const k = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as Kustomization;
  const objects: K8sObject[] = [];
  for (const resource of k.resources ?? []) {
    const path = join(dir, resource);
    if (statSync(path).isDirectory()) objects.push(...build(path));
    else objects.push(...parseAllDocuments(readFileSync(path, 'utf8')).map((d) => d.toJSON() as K8sObject));
  }
  for (const o of objects) {
    for (const { pairs } of k.labels ?? []) o.metadata.labels = { ...o.metadata.labels, ...pairs };
    if (k.namespace) o.metadata.namespace = k.namespace;
    if (o.kind === 'Deployment') {
      for (const c of containersOf(o)) {
        const image = k.images?.find((i) => c.image === i.name || c.image.startsWith(`${i.name}:`));
        if (image) c.image = `${image.newName ?? image.name}:${image.newTag ?? 'latest'}`;
      }
      const replicas = k.replicas?.find((r) => r.name === o.metadata.name);
      if (replicas) (o.spec as { replicas: number }).replicas = replicas.count;
    }
  }
  for (const { target, patch } of k.patches ?? []) {
    const matching = objects.filter((o) => (!target.kind || o.kind === target.kind) && (!target.name || o.metadata.name === target.name));
    // a patch that patches nothing is a mistake
    if (matching.length === 0) throw new Error(`${dir}: the patch for ${JSON.stringify(target)} matches no object`);
    for (const o of matching) applyPatch(o as unknown as Json, parse(patch) as PatchOp[]);
  }
  return objects;
}

/** Validates with the object's kubernetes-models class: apps/v1 Deployment → kubernetes-models/apps/v1/Deployment (core: v1/ConfigMap). */
function validate(o: K8sObject): void {
  const model = require(`kubernetes-models/${o.apiVersion}/${o.kind}`)[o.kind] as new (data: unknown) => { validate(): void };
  new model(o).validate();
}

type Deployed = { port: number; keys: string[]; kind: string };
const keysOf = (name: string, kind: string): string[] =>
  kind === 'subgraph'
    ? Object.keys(subgraphDefinition(name).configSchema.shape)
    : kind === 'bff'
      ? bffKeys(name === 'web-bff' ? WEB_BFF : MOBILE_BFF)
      : kind === 'simulator'
        ? Object.keys(providerConfigSchema.shape)
        : Object.keys(storefrontConfigSchema.shape);
const deployed = (s: (typeof LISTED)[number]): [string, Deployed] => [s.name, { port: s.port, keys: keysOf(s.name, s.kind), kind: s.kind }];
/** Every service of the one list that runs in every deployment, with its port there and the environment keys its configuration reads. */
const SERVICES: Record<string, Deployed> = Object.fromEntries(LISTED.filter((s) => s.kind !== 'simulator').map(deployed));
/** The simulators (development stand-ins for third parties): in overlays/dev only. */
const SIMULATORS: Record<string, Deployed> = Object.fromEntries(LISTED.filter((s) => s.kind === 'simulator').map(deployed));
/** What each folder deploys. */
const servicesIn = (folder: string): Record<string, Deployed> => (folder === 'overlays/dev' ? { ...SERVICES, ...SIMULATORS } : SERVICES);

function bffKeys(profile: BffProfile): string[] {
  const own = Object.keys(bffSettingsSchema(profile).shape).map((key) => `${profile.prefix}_${key}`);
  const subgraphs = SUBGRAPHS.flatMap(({ name }) => [subgraphUrlSetting(name), `${profile.prefix}_${settingPrefix(name)}_URL`]);
  return [...Object.keys(baseConfigSchema.shape), ...own, ...subgraphs];
}

const SECRET_KEYS = ['JWT_SECRET', 'GATEWAY_SECRET', 'DATABASE_URL', 'AMQP_URL'];

describe.each(['base', 'overlays/small', 'overlays/production', 'overlays/dev'])('deploy/kubernetes/%s', (folder) => {
  const objects = build(join(root, folder));
  const SERVICES = servicesIn(folder);
  const named = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
  type Container = {
    image: string;
    env?: { name: string }[];
    envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
    ports: { name: string; containerPort: number }[];
    startupProbe: { httpGet: { path: string; port: string } };
    livenessProbe: { httpGet: { path: string; port: string } };
    readinessProbe: { httpGet: { path: string; port: string } };
    lifecycle: { preStop: { exec: { command: string[] } } };
    resources: { requests: { cpu: string; memory: string }; limits: { memory: string } };
  };
  const podOf = (name: string) =>
    (named('Deployment', name)!.spec as { replicas: number; template: { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { terminationGracePeriodSeconds: number; containers: Container[] } } });

  it('every object is valid against the Kubernetes API schemas', () => {
    for (const o of objects) expect(() => validate(o)).not.toThrow();
    expect(objects.length).toBeGreaterThanOrEqual(7 * 2 + 3 * 2 + 3);
  });

  it.each(Object.entries(SERVICES))('%s: a Deployment and a Service on its port (metrics on the metrics port, scraped by annotation, not on the Service), probes on /health/live and /health/ready', (service, { port }) => {
    const pod = podOf(service);
    const [container] = pod.template.spec.containers;
    const metricsPort = defaultMetricsPort(port);
    // the storefront and the simulators have no metrics port
    if (service === 'storefront' || service in SIMULATORS) expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }]);
    else {
      // /metrics and the full readiness report on the metrics port (its default), scraped there, never behind the Service
      expect(container.ports).toEqual([{ name: 'http', containerPort: port, protocol: 'TCP' }, { name: 'metrics', containerPort: metricsPort, protocol: 'TCP' }]);
      expect(pod.template.metadata.annotations).toEqual({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' });
    }
    expect(container.image).toMatch(/^registry\.example\.com\/shop-graph:/);
    expect([container.startupProbe.httpGet.path, container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual(['/health/live', '/health/live', '/health/ready']);
    expect(container.resources.requests.cpu).toBeDefined();
    expect(container.resources.limits.memory).toBeDefined();
    const svc = named('Service', service)!.spec as { selector: Record<string, string>; ports: { port: number; targetPort: string }[] };
    expect(svc.ports).toEqual([expect.objectContaining({ port, targetPort: 'http' })]);
    for (const [label, value] of Object.entries(svc.selector)) expect(pod.template.metadata.labels[label]).toBe(value);
  });

  // npm run test:containers builds the image under compose's name and runs it read-only: the
  // manifests name the same repository, and give the one path it writes a volume of its own
  it.each(Object.entries(SERVICES))('%s: runs the image compose builds, on a read-only root with /tmp on an emptyDir', (service) => {
    const spec = podOf(service).template.spec as unknown as {
      containers: { image: string; securityContext: { readOnlyRootFilesystem: boolean }; volumeMounts?: { name: string; mountPath: string }[] }[];
      volumes?: { name: string; emptyDir?: object }[];
    };
    const [container] = spec.containers;
    const composeImage = (parse(readFileSync(join(root, '..', '..', 'docker-compose.yml'), 'utf8'), { merge: true }) as { services: Record<string, { image: string }> }).services[service].image;
    const repository = (image: string) => image.replace(/:[^/:]+$/, '').split('/').pop();
    expect(repository(container.image)).toBe(repository(composeImage));
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
    const tmp = container.volumeMounts?.find((m) => m.mountPath === '/tmp');
    expect(spec.volumes?.find((v) => v.name === tmp?.name)?.emptyDir).toBeDefined();
  });

  it('NetworkPolicies: the subgraphs admit only the BFFs (http) and Prometheus (metrics); the databases only the subgraphs; the BFFs\' metrics port only Prometheus', () => {
    type Peer = { podSelector?: { matchLabels?: Record<string, string> }; namespaceSelector?: object };
    type Rule = { from?: Peer[]; ports: { port: string | number }[] };
    const policy = (name: string) => named('NetworkPolicy', name)?.spec as { podSelector: { matchLabels: Record<string, string> }; policyTypes: string[]; ingress: Rule[] } | undefined;
    const peers = (rule: Rule) => (rule.from ?? [{}]).map((p) => p.podSelector?.matchLabels ?? 'anyone');
    const subgraphs = policy('subgraphs-from-bffs')!;
    expect(subgraphs.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/component': 'subgraph' });
    expect(subgraphs.ingress.map((r) => [peers(r), r.ports.map((p) => p.port)])).toEqual([
      [[{ 'app.kubernetes.io/component': 'bff' }], ['http']],
      [[{ 'app.kubernetes.io/name': 'prometheus' }], ['metrics']],
    ]);
    const databases = policy('databases-from-subgraphs')!;
    expect(databases.ingress.map((r) => [peers(r), r.ports.map((p) => p.port)])).toEqual([[[{ 'app.kubernetes.io/component': 'subgraph' }], [5432]]]);
    const bffs = policy('bffs-public-port-only')!;
    expect(bffs.ingress.map((r) => [peers(r), r.ports.map((p) => p.port)])).toEqual([[['anyone'], ['http']], [[{ 'app.kubernetes.io/name': 'prometheus' }], ['metrics']]]);
    // the selectors match the Deployments' pods: every subgraph and BFF is covered
    for (const { name, kind } of LISTED.filter((s) => s.kind !== 'storefront' && s.name in SERVICES)) {
      expect([name, podOf(name).template.metadata.labels['app.kubernetes.io/component']]).toEqual([name, kind]);
    }
    for (const p of [subgraphs, databases, bffs]) expect(p.policyTypes).toEqual(['Ingress']);
  });

  it.each(Object.entries(SERVICES))('%s: shuts down gracefully within its grace period (preStop + SHUTDOWN_TIMEOUT_MS)', (service) => {
    const pod = podOf(service);
    const preStopSeconds = Number(pod.template.spec.containers[0].lifecycle.preStop.exec.command[1]);
    const config = named('ConfigMap', 'shop-config')!.data as Record<string, string>;
    const shutdownSeconds = Number(config.SHUTDOWN_TIMEOUT_MS ?? 10_000) / 1000;
    expect(pod.template.spec.terminationGracePeriodSeconds).toBeGreaterThan(preStopSeconds + shutdownSeconds);
  });

  it.each(Object.entries(SERVICES))('%s: every environment key it is given is one its configuration reads', (service, { keys }) => {
    const [container] = podOf(service).template.spec.containers;
    const given = [...(container.env ?? []).map((e) => e.name).filter((name) => name !== 'SERVICE')];
    for (const from of container.envFrom ?? []) {
      if (from.configMapRef) given.push(...Object.keys((named('ConfigMap', from.configMapRef.name)?.data ?? {}) as object));
      if (from.secretRef) {
        expect(from.secretRef.name).toBe('shop-secrets');
        given.push(...SECRET_KEYS);
      }
    }
    expect(given.filter((key) => !(keys as readonly string[]).includes(key))).toEqual([]);
    if (service !== 'storefront' && !(service in SIMULATORS)) expect(given).toEqual(expect.arrayContaining(SECRET_KEYS));
  });

  it('the payment subgraph finds its provider, our API key there and the webhook secret in the Secret payment-provider (never in these files)', () => {
    type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
    const env = (podOf('payment').template.spec.containers[0].env ?? []) as EnvVar[];
    for (const key of ['PAYMENT_PROVIDER_URL', 'PAYMENT_PROVIDER_API_KEY', 'PAYMENT_WEBHOOK_SECRET']) {
      expect(env.find((e) => e.name === key)).toEqual({ name: key, valueFrom: { secretKeyRef: { name: 'payment-provider', key } } });
    }
  });

  it(folder === 'overlays/dev' ? 'runs the simulated payment provider as development, its webhooks to the payment subgraph, which admits them' : 'runs no simulator (development stand-ins stay in overlays/dev)', () => {
    const simulatorDeployments = objects.filter((o) => o.kind === 'Deployment' && o.metadata.name in SIMULATORS);
    if (folder !== 'overlays/dev') {
      expect(simulatorDeployments).toEqual([]);
      return;
    }
    type EnvVar = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
    const env = (podOf('payment-provider').template.spec.containers[0].env ?? []) as EnvVar[];
    const value = (name: string) => env.find((e) => e.name === name);
    expect(value('NODE_ENV')?.value).toBe('development');
    expect(value('PAYMENT_PROVIDER_WEBHOOK_URL')?.value).toBe(`http://payment:${SERVICES.payment.port}/webhooks/provider`);
    // the same credentials as the payment subgraph: from the same Secret
    for (const key of ['PAYMENT_PROVIDER_API_KEY', 'PAYMENT_WEBHOOK_SECRET']) expect(value(key)?.valueFrom?.secretKeyRef).toEqual({ name: 'payment-provider', key });
    expect((podOf('payment-provider').template.spec.containers[0].envFrom ?? []).length).toBe(0);
    expect(podOf('payment-provider').replicas).toBe(1);
    const webhooks = named('NetworkPolicy', 'payment-webhooks-from-simulator')!.spec as { podSelector: { matchLabels: Record<string, string> }; ingress: { from: { podSelector: { matchLabels: Record<string, string> } }[]; ports: { port: string }[] }[] };
    expect(webhooks.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'payment' });
    expect(webhooks.ingress).toEqual([{ from: [{ podSelector: { matchLabels: { 'app.kubernetes.io/component': 'simulator' } } }], ports: [{ port: 'http', protocol: 'TCP' }] }]);
    expect(podOf('payment-provider').template.metadata.labels['app.kubernetes.io/component']).toBe('simulator');
  });

  it('every ConfigMap a Deployment reads is there; no secret value is in the manifests', () => {
    for (const o of objects.filter((x) => x.kind === 'Deployment')) {
      for (const from of containersOf(o) as unknown as Container[]) {
        for (const ref of from.envFrom ?? []) if (ref.configMapRef) expect(named('ConfigMap', ref.configMapRef.name)).toBeDefined();
      }
    }
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
    expect(JSON.stringify(objects)).not.toMatch(/JWT_SECRET|postgres(ql)?:\/\/[^"]*:[^"]*@|amqp:\/\/[^"]*:[^"]*@/);
  });

  it('the BFFs and order have a disruption budget and an autoscaler that target them', () => {
    for (const name of ['order', 'web-bff', 'mobile-bff']) {
      const pdb = named('PodDisruptionBudget', name)!.spec as { selector: { matchLabels: Record<string, string> } };
      expect(pdb.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': name });
      const hpa = named('HorizontalPodAutoscaler', name)!.spec as { scaleTargetRef: { kind: string; name: string }; minReplicas: number; maxReplicas: number };
      expect(hpa.scaleTargetRef).toMatchObject({ kind: 'Deployment', name });
      expect(hpa.minReplicas).toBeLessThanOrEqual(hpa.maxReplicas);
      expect(podOf(name).replicas).toBeGreaterThanOrEqual(hpa.minReplicas);
    }
  });
});

it('the overlays differ where they should: the small one runs one of each on classic queues, production three of the busy ones on quorum queues', () => {
  const small = build(join(root, 'overlays/small'));
  const production = build(join(root, 'overlays/production'));
  const replicas = (objects: K8sObject[], name: string) => (objects.find((o) => o.kind === 'Deployment' && o.metadata.name === name)!.spec as { replicas: number }).replicas;
  const queueType = (objects: K8sObject[]) => (objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === 'shop-config')!.data as Record<string, string>).EVENTS_QUEUE_TYPE;
  expect(['order', 'web-bff', 'mobile-bff'].map((n) => replicas(small, n))).toEqual([1, 1, 1]);
  expect(['order', 'web-bff', 'mobile-bff'].map((n) => replicas(production, n))).toEqual([3, 3, 3]);
  expect([queueType(small), queueType(production)]).toEqual(['classic', 'quorum']);
  expect(small.every((o) => o.metadata.namespace === 'shop')).toBe(true);
});
