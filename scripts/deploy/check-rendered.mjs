#!/usr/bin/env node
// Checks on `helm template` output, used by .ci/deploy-checks:
//   node scripts/deploy/check-rendered.mjs split <rendered.yaml> <core.yaml>
//       writes the objects Kubernetes' own schemas cover (everything but the Prometheus
//       operator's custom resources) to <core.yaml>, for kubernetes-validate
//   node scripts/deploy/check-rendered.mjs rules <rendered.yaml> <groups.yml> [<given.yml>]
//       asserts the PrometheusRule's groups equal prometheus/rules/*.yml (parsed, in file order),
//       or <given.yml> (what the chart got as prometheusRule.rules), and writes them as a rule
//       file for `promtool check rules`; exit 1 on any difference
//   node scripts/deploy/check-rendered.mjs config <rendered.yaml> <dir>
//       writes the chart's mirrorwatch ConfigMap into <dir> as the pod sees /etc/mirrorwatch and
//       prints the path of the file the Deployment's --config names, for `mirrorwatch check-config`
//   node scripts/deploy/check-rendered.mjs dashboards <rendered.yaml>
//       asserts each dashboard ConfigMap holds the repository's dashboard byte for byte
//   node scripts/deploy/check-rendered.mjs sharded <rendered.yaml> <count>
//       asserts the chart rendered a StatefulSet of <count> pods (no Deployment) whose container
//       runs `--shard $(POD_NAME)/<count>` with POD_NAME from the pod's name
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [mode, renderedFile, out] = process.argv.slice(2);
const docs = yaml.loadAll(readFileSync(renderedFile, 'utf8')).filter((d) => d && typeof d === 'object');
const die = (msg) => {
  console.error(`${renderedFile}: ${msg}`);
  process.exit(1);
};

if (mode === 'split') {
  const core = docs.filter((d) => !String(d.apiVersion).startsWith('monitoring.coreos.com/'));
  writeFileSync(out, core.map((d) => yaml.dump(d, { lineWidth: -1 })).join('---\n'));
  console.log(`${core.length} objects for the Kubernetes schemas (${docs.length - core.length} Prometheus-operator resources left to promtool)`);
} else if (mode === 'rules') {
  const rules = docs.filter((d) => d.kind === 'PrometheusRule');
  if (rules.length !== 1) die(`expected one PrometheusRule, found ${rules.length}`);
  const dir = join(root, 'prometheus', 'rules');
  // Optional 4th argument: the rule file the chart was given (prometheusRule.rules) instead.
  const given = process.argv[5];
  const expected = given
    ? (yaml.load(readFileSync(given, 'utf8')).groups ?? [])
    : readdirSync(dir)
        .filter((f) => f.endsWith('.yml'))
        .sort()
        .flatMap((f) => yaml.load(readFileSync(join(dir, f), 'utf8')).groups ?? []);
  const actual = rules[0].spec.groups;
  if (!isDeepStrictEqual(actual, expected)) {
    const names = (gs) => gs.map((g) => `${g.name}(${g.rules?.length ?? 0})`).join(', ');
    const firstDiff = expected.findIndex((g, i) => !isDeepStrictEqual(g, actual[i]));
    die(
      `the PrometheusRule differs from ${given ?? 'prometheus/rules/*.yml'} (first differing group: ${expected[firstDiff]?.name ?? actual[firstDiff]?.name}).\n` +
        `  chart: ${names(actual)}\n  repo:  ${names(expected)}\n  run: node scripts/sync-chart-assets.mjs`,
    );
  }
  writeFileSync(out, yaml.dump({ groups: actual }, { lineWidth: -1 }));
  console.log(`PrometheusRule equals ${given ?? 'prometheus/rules'}: ${actual.length} groups, ${actual.reduce((n, g) => n + g.rules.length, 0)} rules`);
} else if (mode === 'config') {
  const deployment = docs.find((d) => d.kind === 'Deployment' || d.kind === 'StatefulSet');
  const args = deployment?.spec?.template?.spec?.containers?.[0]?.args ?? [];
  const file = args[args.indexOf('--config') + 1];
  if (!file?.startsWith('/etc/mirrorwatch/')) die(`the Deployment passes no --config under /etc/mirrorwatch: ${JSON.stringify(args)}`);
  const volume = deployment.spec.template.spec.volumes.find((v) => v.name === 'config');
  const map = docs.find((d) => d.kind === 'ConfigMap' && d.metadata.name === volume?.configMap?.name);
  if (!map) die(`no ConfigMap ${volume?.configMap?.name} rendered for the config volume`);
  mkdirSync(out, { recursive: true });
  for (const [key, text] of Object.entries(map.data)) writeFileSync(join(out, key), text);
  console.log(join(out, file.slice('/etc/mirrorwatch/'.length)));
} else if (mode === 'dashboards') {
  const dir = join(root, 'grafana', 'dashboards');
  const files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
  const maps = docs.filter((d) => d.kind === 'ConfigMap' && d.metadata?.labels?.grafana_dashboard === '1');
  const shipped = new Map(maps.flatMap((m) => Object.entries(m.data ?? {})));
  for (const f of files) {
    const want = readFileSync(join(dir, f), 'utf8').replace(/\n$/, '');
    if (shipped.get(f) !== want) die(`dashboard ${f}: ConfigMap content differs from grafana/dashboards/${f} (or is missing)`);
    JSON.parse(shipped.get(f));
  }
  if (shipped.size !== files.length) die(`${shipped.size} dashboard ConfigMap entries for ${files.length} dashboards`);
  for (const m of maps) {
    const size = Object.values(m.data).reduce((n, v) => n + Buffer.byteLength(v), 0);
    if (size > 1_000_000) die(`ConfigMap ${m.metadata.name} holds ${size} bytes: over Kubernetes' 1 MiB`);
  }
  console.log(`${maps.length} dashboard ConfigMaps labelled grafana_dashboard="1", equal to grafana/dashboards`);
} else if (mode === 'sharded') {
  const count = Number(out);
  const sets = docs.filter((d) => d.kind === 'StatefulSet');
  if (docs.some((d) => d.kind === 'Deployment')) die('a Deployment was rendered next to the shards\' StatefulSet');
  if (sets.length !== 1) die(`expected one StatefulSet, found ${sets.length}`);
  const spec = sets[0].spec;
  if (spec.replicas !== count) die(`StatefulSet replicas ${spec.replicas}, expected ${count} (one pod per shard)`);
  const container = spec.template.spec.containers[0];
  const i = container.args.indexOf('--shard');
  if (i < 0 || container.args[i + 1] !== `$(POD_NAME)/${count}`) die(`the container does not pass --shard $(POD_NAME)/${count}: ${JSON.stringify(container.args)}`);
  const env = container.env.find((e) => e.name === 'POD_NAME');
  if (env?.valueFrom?.fieldRef?.fieldPath !== 'metadata.name') die('POD_NAME does not come from metadata.name');
  console.log(`StatefulSet of ${count} shards, pod N runs --shard N/${count}`);
} else {
  die(`unknown mode ${mode}`);
}
