import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { DEFAULTS, ENV_VARS } from '../../src/config';
import { SEARCH_ATTRIBUTES } from '../../src/shared/search-attributes';

const root = path.resolve(__dirname, '..', '..');
const compose = parse(readFileSync(path.join(root, 'docker-compose.yml'), 'utf8'));
const dotEnv = Object.fromEntries(
  readFileSync(path.join(root, '.env'), 'utf8')
    .split('\n')
    .filter((line) => /^[A-Z_]+=/.test(line))
    .map((line) => line.split('=') as [string, string]),
);
const services = compose.services as Record<
  string,
  {
    image?: string;
    environment?: Record<string, string>;
    ports?: string[];
    command?: string[];
    profiles?: string[];
    volumes?: string[];
    env_file?: { path: string; required: boolean }[];
  }
>;
const worker = services.worker!;

/** Temporal's own connection variables, read by @temporalio/envconfig rather than src/config.ts. */
const TEMPORAL_VARS = ['TEMPORAL_ADDRESS', 'TEMPORAL_NAMESPACE', 'TEMPORAL_API_KEY', 'TEMPORAL_PROFILE'];

describe('docker-compose.yml', () => {
  it('runs Temporal on PostgreSQL, the UI, the search-attribute job and the worker, and Prometheus and Grafana in the monitoring profile', () => {
    const byProfile = (profile: string | undefined) =>
      Object.keys(services)
        .filter((name) => services[name]!.profiles?.join() === profile)
        .sort();
    expect(byProfile(undefined)).toEqual(
      ['postgresql', 'temporal', 'temporal-create-search-attributes', 'temporal-ui', 'worker'].sort(),
    );
    expect(byProfile('monitoring')).toEqual(['grafana', 'prometheus']);
    expect(Object.keys(services)).toHaveLength(7);
    expect(services.temporal!.environment!.DB).toBe('postgres12');
    expect(services.temporal!.environment!.POSTGRES_SEEDS).toBe('postgresql');
  });

  it('pins every image tag in .env', () => {
    for (const [name, service] of Object.entries(services)) {
      if (!service.image) continue;
      const variable = /\$\{([A-Z_]+)\}$/.exec(service.image)?.[1];
      expect({ name, variable }).toEqual({ name, variable: expect.any(String) });
      expect(dotEnv[variable!]).toMatch(/^\d+\.\d+/);
    }
  });

  it('gives the worker only variables that src/config.ts or envconfig read', () => {
    const known = new Set<string>([...ENV_VARS, ...TEMPORAL_VARS]);
    expect(Object.keys(worker.environment!).filter((name) => !known.has(name))).toEqual([]);
  });

  it('points the worker at the Temporal frontend port the temporal service publishes', () => {
    const port = DEFAULTS.temporalAddress.split(':')[1];
    expect(worker.environment!.TEMPORAL_ADDRESS).toBe(`temporal:${port}`);
    expect(services.temporal!.ports).toContain(`127.0.0.1:${port}:${port}`);
    expect(worker.environment!.REIMAGE_TASK_QUEUE).toBe(DEFAULTS.taskQueue);
  });

  it('publishes the worker metrics port it binds', () => {
    const port = worker.environment!.REIMAGE_METRICS_BIND!.split(':')[1];
    expect(port).toBe(DEFAULTS.metricsBind.split(':')[1]);
    expect(worker.ports).toContain(`127.0.0.1:${port}:${port}`);
  });

  it('publishes every port on 127.0.0.1 only: Temporal, its Web UI and the metrics have no login of their own here', () => {
    const published = Object.entries(services).flatMap(([name, service]) =>
      (service.ports ?? []).map((port) => ({
        name,
        host: port.split(':').length === 3 ? port.split(':')[0] : '(every interface)',
      })),
    );
    expect(published.map((entry) => entry.name).sort()).toEqual(
      ['grafana', 'prometheus', 'temporal', 'temporal-ui', 'worker'].sort(),
    );
    expect(published.filter((entry) => entry.host !== '127.0.0.1')).toEqual([]);
  });

  it('mounts ./deploy/ovh read-only for an accounts file, its credentials coming from ./deploy/ovh/credentials.env', () => {
    expect(worker.volumes).toEqual(['./deploy/ovh:/etc/reimage/ovh:ro']);
    expect(worker.env_file).toEqual([{ path: './deploy/ovh/credentials.env', required: false }]);
    expect(worker.environment!.REIMAGE_OVH_ACCOUNTS).toBe('${REIMAGE_OVH_ACCOUNTS:-}');
    expect(readFileSync(path.join(root, 'deploy', 'ovh', '.gitignore'), 'utf8')).toMatch(/^credentials\.env$/m);
  });

  it('registers exactly the search attributes the workflows use', () => {
    const command = services['temporal-create-search-attributes']!.command!.join(' ');
    const registered = [...command.matchAll(/--name (\w+) --type (\w+)/g)].map((m) => ({ name: m[1], cliType: m[2] }));
    expect(registered).toEqual(SEARCH_ATTRIBUTES);
  });

  it('has Prometheus scrape the worker on the metrics port it publishes', () => {
    const mount = hostMount('prometheus', '/etc/prometheus/prometheus.yml');
    const scrape = parse(readFileSync(mount, 'utf8')) as {
      scrape_configs: { static_configs: { targets: string[] }[] }[];
    };
    const port = worker.environment!.REIMAGE_METRICS_BIND!.split(':')[1];
    expect(scrape.scrape_configs.flatMap((job) => job.static_configs.flatMap((c) => c.targets))).toEqual([
      `worker:${port}`,
    ]);
  });

  it('provisions Grafana with the Prometheus datasource the dashboard names, and the dashboard itself', () => {
    const provisioning = hostMount('grafana', '/etc/grafana/provisioning');
    const datasources = parse(readFileSync(path.join(provisioning, 'datasources', 'prometheus.yaml'), 'utf8')) as {
      datasources: { uid: string; type: string; url: string }[];
    };
    const provider = parse(readFileSync(path.join(provisioning, 'dashboards', 'reimage.yaml'), 'utf8')) as {
      providers: { options: { path: string } }[];
    };
    const dashboardFile = hostMount('grafana', '/var/lib/grafana/dashboards/reimage.json');
    expect(path.dirname('/var/lib/grafana/dashboards/reimage.json')).toBe(provider.providers[0]!.options.path);
    const dashboard = JSON.parse(readFileSync(dashboardFile, 'utf8')) as { panels: { datasource?: { uid: string } }[] };
    const uids = new Set(dashboard.panels.flatMap((panel) => (panel.datasource ? [panel.datasource.uid] : [])));
    expect([...uids]).toEqual([datasources.datasources[0]!.uid]);
    expect(datasources.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
  });
});

/** The host path `service` mounts at `target`, checked to exist. */
function hostMount(service: string, target: string): string {
  const volume = services[service]!.volumes!.find((v) => v.split(':')[1] === target);
  expect({ service, target, volume }).toEqual({ service, target, volume: expect.stringMatching(/^\.\//) });
  const host = path.join(root, volume!.split(':')[0]!);
  expect(existsSync(host)).toBe(true);
  return host;
}
