// docker-compose.yml and the files it mounts. No Docker engine runs here, so this checks what can
// be checked without one: mounted files exist, cluster aliases, hosts, ports and paths agree across
// compose, docker/mm2.properties, docker/mirrorwatch.yaml, prometheus.yml, Alertmanager and
// Grafana provisioning; the configurations load in mirrorwatch and validate with promtool/amtool.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { lastByKey, parseJavaProperties } from '../../../src/config/javaProperties.js';
import { loadConfig } from '../../../src/config/load.js';
import { assertToolInCi, REPO_ROOT, repoPath, runTool, toolAvailability } from './tools.js';

interface Service {
  image?: string;
  build?: string | { context: string };
  command?: string | string[];
  entrypoint?: string | string[];
  environment?: Record<string, string | number>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[] | Record<string, unknown>;
  healthcheck?: { test?: string | string[]; interval?: string; timeout?: string; retries?: number; start_period?: string };
}

const compose = yaml.load(fs.readFileSync(repoPath('docker-compose.yml'), 'utf8')) as { services: Record<string, Service> };
const services = compose.services;

function service(name: string): Service {
  const s = services[name];
  if (!s) throw new Error(`docker-compose.yml has no service ${name}`);
  return s;
}

interface Mount {
  service: string;
  /** Path in the repository, relative to its root. */
  source: string;
  /** Absolute path in the container. */
  target: string;
}

/** Bind mounts (`./path:/container/path[:ro]`) of every service. */
function bindMounts(): Mount[] {
  return Object.entries(services).flatMap(([name, s]) =>
    (s.volumes ?? []).flatMap((v) => {
      const [source, target] = v.split(':');
      if (!source || !target || !source.startsWith('.')) return [];
      return [{ service: name, source: path.posix.normalize(source), target }];
    }),
  );
}

/** The repository file a service sees at `containerPath`, through its bind mounts; null if none. */
function hostPathOf(serviceName: string, containerPath: string): string | null {
  for (const m of bindMounts().filter((m) => m.service === serviceName)) {
    if (containerPath === m.target) return m.source;
    if (containerPath.startsWith(m.target + '/')) return path.posix.join(m.source, containerPath.slice(m.target.length + 1));
  }
  return null;
}

/** Default of `${VAR:-default}`, or the text itself. */
function composeDefault(value: string): string {
  const m = /^\$\{[A-Z_]+:-(.*)\}$/.exec(value);
  return m?.[1] ?? value;
}

function argv(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : value.split(/\s+/);
}

const mm2File = 'docker/mm2.properties';
const mm2 = lastByKey(parseJavaProperties(fs.readFileSync(repoPath(mm2File))).entries);
function mm2Value(key: string): string {
  const v = mm2.get(key)?.value;
  if (v === undefined) throw new Error(`${mm2File} has no ${key}`);
  return v.trim();
}
const list = (v: string) => v.split(',').map((s) => s.trim()).filter((s) => s !== '');
const aliases = list(mm2Value('clusters'));

const mirrorwatchYaml = yaml.load(fs.readFileSync(repoPath('docker/mirrorwatch.yaml'), 'utf8')) as {
  mm2Properties: string;
  http: { host: string; port: number };
};
const prometheusYml = yaml.load(fs.readFileSync(repoPath('prometheus/prometheus.yml'), 'utf8')) as {
  rule_files: string[];
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] };
  scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
};

describe('docker-compose.yml', () => {
  it('has the whole stack', () => {
    expect(Object.keys(services).sort()).toEqual(
      ['alertmanager', 'grafana', 'kafka-us-east', 'kafka-us-west', 'mirrorwatch', 'mm2', 'prometheus', 'traffic'].sort(),
    );
  });

  it('gives Prometheus, Alertmanager and Grafana health checks on their own readiness endpoints', () => {
    const expected: Record<string, string> = {
      prometheus: 'http://127.0.0.1:9090/-/ready',
      alertmanager: 'http://127.0.0.1:9093/-/ready',
      grafana: 'http://127.0.0.1:3000/api/health',
    };
    for (const [name, url] of Object.entries(expected)) {
      const test = service(name).healthcheck?.test;
      expect(Array.isArray(test), `${name}: healthcheck.test as an exec array`).toBe(true);
      expect((test as string[])[0]).toBe('CMD');
      // The URL's port is the one the service listens on (its published container port).
      expect(test as string[], name).toContain(url);
      const port = new URL(url).port;
      expect(service(name).ports?.some((p) => p.endsWith(`:${port}`)), `${name} listens on ${port}`).toBe(true);
    }
  });

  it('starts in dependency order: Alertmanager and mirrorwatch healthy before Prometheus, Prometheus healthy before Grafana', () => {
    const healthyDeps = (name: string): string[] => {
      const deps = service(name).depends_on;
      expect(Array.isArray(deps), `${name}: depends_on with conditions, not a plain list`).toBe(false);
      return Object.entries((deps ?? {}) as Record<string, { condition?: string }>)
        .filter(([, v]) => v.condition === 'service_healthy')
        .map(([k]) => k)
        .sort();
    };
    expect(healthyDeps('prometheus')).toEqual(['alertmanager', 'mirrorwatch']);
    expect(healthyDeps('grafana')).toEqual(['prometheus']);
    // Every service waited for as healthy has a health check: its own, or the image's (mirrorwatch).
    for (const name of Object.keys(services)) {
      const deps = service(name).depends_on;
      if (!deps || Array.isArray(deps)) continue;
      for (const [dep, v] of Object.entries(deps as Record<string, { condition?: string }>)) {
        if (v.condition !== 'service_healthy') continue;
        const own = service(dep).healthcheck !== undefined;
        const fromImage = service(dep).build !== undefined && /^HEALTHCHECK /m.test(fs.readFileSync(repoPath('Dockerfile'), 'utf8'));
        expect(own || fromImage, `${name} waits for ${dep} to be healthy, which has no health check`).toBe(true);
      }
    }
  });

  it('mounts only files and directories that exist in the repository', () => {
    const mounts = bindMounts();
    expect(mounts.length).toBeGreaterThan(5);
    for (const m of mounts) expect(fs.existsSync(path.join(REPO_ROOT, m.source)), `${m.service}: ${m.source}`).toBe(true);
    expect(service('mirrorwatch').build).toBe('.');
    expect(fs.existsSync(repoPath('Dockerfile'))).toBe(true);
  });

  it('runs the Kafka services from the official apache/kafka image, 4.1.0 or newer', () => {
    for (const name of ['kafka-us-east', 'kafka-us-west', 'mm2', 'traffic']) {
      const image = composeDefault(service(name).image ?? '');
      const m = /^apache\/kafka:(\d+)\.(\d+)\.(\d+)$/.exec(image);
      expect(m, `${name}: ${image}`).not.toBeNull();
      const [major, minor] = [Number(m?.[1]), Number(m?.[2])];
      expect(major > 4 || (major === 4 && minor >= 1), `${name}: ${image}`).toBe(true);
    }
  });

  it('names one single-node KRaft cluster per mm2.properties alias, reachable where mm2.properties says', () => {
    expect(aliases).toEqual(['us-east', 'us-west']);
    for (const alias of aliases) {
      const name = `kafka-${alias}`;
      const env = service(name).environment ?? {};
      expect(String(env.KAFKA_PROCESS_ROLES)).toBe('broker,controller');
      expect(String(env.CLUSTER_ID)).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(String(env.KAFKA_CONTROLLER_QUORUM_VOTERS)).toBe(`${env.KAFKA_NODE_ID}@${name}:9093`);
      const advertised = String(env.KAFKA_ADVERTISED_LISTENERS).replace(/^PLAINTEXT:\/\//, '');
      expect(advertised).toBe(`${name}:9092`);
      expect(list(mm2Value(`${alias}.bootstrap.servers`)), `${alias}.bootstrap.servers`).toEqual([advertised]);
    }
    const ids = new Set(aliases.map((a) => service(`kafka-${a}`).environment?.CLUSTER_ID));
    expect(ids.size).toBe(aliases.length);
  });

  it('runs MM2 with docker/mm2.properties: us-east->us-west only, replication factors of 1', () => {
    const command = argv(service('mm2').command);
    expect(command[0]).toBe('/opt/kafka/bin/connect-mirror-maker.sh');
    expect(hostPathOf('mm2', command[1] ?? '')).toBe(mm2File);
    expect(mm2Value('us-east->us-west.enabled')).toBe('true');
    expect(mm2Value('us-west->us-east.enabled')).toBe('false');
    const factors = [...mm2.keys()].filter((k) => k.endsWith('replication.factor'));
    expect(factors.length).toBeGreaterThanOrEqual(7);
    for (const k of factors) expect(mm2Value(k), k).toBe('1');
  });

  it('feeds the replicated topics of the source cluster from the traffic generator', () => {
    const traffic = service('traffic');
    const env = traffic.environment ?? {};
    expect(String(env.BOOTSTRAP)).toBe(mm2Value('us-east.bootstrap.servers'));
    const flowTopics = list(mm2Value('us-east->us-west.topics'));
    const topics = String(env.TOPICS).split(/\s+/);
    expect(topics.length).toBeGreaterThan(0);
    // MM2 topic filters are regexes matching the whole name.
    for (const t of topics) expect(flowTopics.some((re) => new RegExp(`^(?:${re})$`).test(t)), t).toBe(true);
    const entrypoint = argv(traffic.entrypoint);
    expect(hostPathOf('traffic', entrypoint[entrypoint.length - 1] ?? '')).toBe('docker/traffic.sh');
    const syntax = runTool('sh', ['-n', 'docker/traffic.sh']);
    expect(syntax.status, syntax.output).toBe(0);
  });

  it('gives mirrorwatch its YAML where the image looks for it, and the mm2.properties it names', () => {
    const containerYaml = '/etc/mirrorwatch/mirrorwatch.yaml';
    const dockerfile = fs.readFileSync(repoPath('Dockerfile'), 'utf8');
    expect(dockerfile).toContain(`CMD ["run", "-c", "${containerYaml}"]`);
    expect(hostPathOf('mirrorwatch', containerYaml)).toBe('docker/mirrorwatch.yaml');
    const containerProps = path.posix.resolve(path.posix.dirname(containerYaml), mirrorwatchYaml.mm2Properties);
    expect(hostPathOf('mirrorwatch', containerProps)).toBe(mm2File);
  });

  it('publishes mirrorwatch on the port it listens on, and Prometheus scrapes exactly that', () => {
    const port = mirrorwatchYaml.http.port;
    expect(mirrorwatchYaml.http.host).toBe('0.0.0.0');
    expect(fs.readFileSync(repoPath('Dockerfile'), 'utf8')).toMatch(new RegExp(`^EXPOSE ${port}$`, 'm'));
    expect(service('mirrorwatch').ports).toContain(`127.0.0.1:${port}:${port}`);
    const job = prometheusYml.scrape_configs.find((j) => j.job_name === 'mirrorwatch');
    expect(job?.static_configs.flatMap((c) => c.targets)).toEqual([`mirrorwatch:${port}`]);
  });

  it('gives Prometheus its configuration, the rule files it names, and Alertmanager as target', () => {
    const command = argv(service('prometheus').command);
    const configPath = command.find((a) => a.startsWith('--config.file='))?.split('=')[1] ?? '';
    expect(hostPathOf('prometheus', configPath)).toBe('prometheus/prometheus.yml');
    const ruleFiles = prometheusYml.rule_files.flatMap((glob) => {
      const containerGlob = path.posix.resolve(path.posix.dirname(configPath), glob);
      const hostGlob = hostPathOf('prometheus', containerGlob);
      expect(hostGlob, `rule_files ${glob}`).not.toBeNull();
      const dir = path.posix.dirname(hostGlob ?? '');
      const pattern = new RegExp(`^${path.posix.basename(hostGlob ?? '').replace(/\./g, '\\.').replace(/\*/g, '[^/]*')}$`);
      return fs.readdirSync(path.join(REPO_ROOT, dir)).filter((f) => pattern.test(f)).map((f) => `${dir}/${f}`);
    });
    expect(ruleFiles.sort()).toEqual(['prometheus/rules/mirrorwatch-alerts.yml', 'prometheus/rules/mirrorwatch-detect.yml', 'prometheus/rules/mirrorwatch-recording.yml']);
    const am = prometheusYml.alerting.alertmanagers.flatMap((a) => a.static_configs.flatMap((c) => c.targets));
    expect(am).toEqual(['alertmanager:9093']);
    expect(service('alertmanager').ports).toContain('127.0.0.1:9093:9093');
    const amConfig = argv(service('alertmanager').command).find((a) => a.startsWith('--config.file='))?.split('=')[1] ?? '';
    expect(hostPathOf('alertmanager', amConfig)).toBe('alertmanager/alertmanager.yml');
  });

  it('provisions Grafana with the Prometheus service and the dashboards directory', () => {
    const provisioning = '/etc/grafana/provisioning';
    expect(hostPathOf('grafana', provisioning)).toBe('grafana/provisioning');
    const ds = yaml.load(fs.readFileSync(repoPath('grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as {
      datasources: { type: string; url: string; isDefault: boolean }[];
    };
    expect(ds.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
    expect(service('prometheus').ports).toContain('127.0.0.1:9090:9090');
    const providers = yaml.load(fs.readFileSync(repoPath('grafana/provisioning/dashboards/mirrorwatch.yml'), 'utf8')) as {
      providers: { type: string; options: { path: string } }[];
    };
    const dashboardsPath = providers.providers[0]?.options.path ?? '';
    expect(hostPathOf('grafana', dashboardsPath)).toBe('grafana/dashboards');
    const home = String(service('grafana').environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH);
    const homeFile = hostPathOf('grafana', home);
    expect(homeFile !== null && fs.existsSync(path.join(REPO_ROOT, homeFile)), home).toBe(true);
  });

  it('publishes ports on loopback only', () => {
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) expect(p, name).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
    }
  });
});

describe('mirrorwatch configuration of the stack', () => {
  it('loads docker/mirrorwatch.yaml (and the mm2.properties it names) without errors or warnings', () => {
    const config = loadConfig(repoPath('docker/mirrorwatch.yaml'));
    expect(config.warnings).toEqual([]);
    expect(config.clusters.map((c) => [c.alias, c.bootstrapServers])).toEqual(
      aliases.map((a) => [a, list(mm2Value(`${a}.bootstrap.servers`))]),
    );
    expect(config.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['us-east->us-west']);
    // The reverse herder emits heartbeats even though us-west->us-east is disabled.
    expect(config.flows[0]?.heartbeatsExpected).toBe(true);
    expect(config.http).toEqual({ host: '0.0.0.0', port: mirrorwatchYaml.http.port });
  });

  it('loads docker/mm2.properties on its own too', () => {
    const config = loadConfig(repoPath(mm2File));
    expect(config.warnings).toEqual([]);
    expect(config.flows.map((f) => `${f.source}->${f.target}`)).toEqual(['us-east->us-west']);
  });
});

const amtool = toolAvailability('amtool', 'prometheus-alertmanager');

describe.skipIf(amtool.skipReason !== null)('alertmanager.yml (amtool)', () => {
  it('is valid and routes by severity', () => {
    const command = assertToolInCi('amtool', amtool, 'prometheus-alertmanager');
    const r = runTool(command, ['check-config', 'alertmanager/alertmanager.yml']);
    expect(r.status, r.output).toBe(0);
    const receiver = (...labels: string[]) => {
      const routes = runTool(command, ['config', 'routes', 'test', '--config.file=alertmanager/alertmanager.yml', ...labels]);
      expect(routes.status, routes.output).toBe(0);
      return routes.stdout.trim();
    };
    expect(receiver('severity=critical', 'alertname=Mm2DataLost')).toBe('page');
    expect(receiver('severity=warning', 'alertname=Mm2ReplicationLagHigh')).toBe('ticket');
  });
});
