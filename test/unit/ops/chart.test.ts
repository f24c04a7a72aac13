// The Helm chart's copies of the rules and dashboards (deploy/helm/mirrorwatch/files/) must be the
// repository's files, byte for byte: a chart can only read files inside itself, so
// scripts/sync-chart-assets.mjs copies them, and this test fails whenever a rule or dashboard
// changes without the copy. (.ci/deploy-checks renders the chart with Helm and compares the
// rendered PrometheusRule and ConfigMaps as well.)
import fs from 'node:fs';
import yaml from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { repoPath } from './tools.js';

const CHART = 'deploy/helm/mirrorwatch';
const FIX = 'run: node scripts/sync-chart-assets.mjs';

function listing(dir: string, ext: string): string[] {
  return fs.existsSync(repoPath(dir)) ? fs.readdirSync(repoPath(dir)).filter((f) => f.endsWith(ext)).sort() : [];
}

describe('Helm chart assets', () => {
  it.each([
    ['prometheus/rules', `${CHART}/files/rules`, '.yml'],
    ['grafana/dashboards', `${CHART}/files/dashboards`, '.json'],
  ])('%s is copied unchanged into the chart', (from, to, ext) => {
    const sources = listing(from, ext);
    expect(sources.length).toBeGreaterThan(0);
    expect(listing(to, ext), `${to} lists other files than ${from}; ${FIX}`).toEqual(sources);
    for (const f of sources) {
      const same = fs.readFileSync(repoPath(from, f)).equals(fs.readFileSync(repoPath(to, f)));
      expect(same, `${to}/${f} differs from ${from}/${f}; ${FIX}`).toBe(true);
    }
  });

  it('has the version of the package', () => {
    const chart = yaml.load(fs.readFileSync(repoPath(CHART, 'Chart.yaml'), 'utf8')) as { version: string; appVersion: string };
    const pkg = JSON.parse(fs.readFileSync(repoPath('package.json'), 'utf8')) as { version: string };
    expect(chart.appVersion).toBe(pkg.version);
    expect(chart.version).toBe(pkg.version);
  });

  it('plain manifests exist for users without Helm (kept current by .ci/deploy-checks)', () => {
    for (const f of ['mirrorwatch.yaml', 'prometheus-operator.yaml', 'grafana-dashboards.yaml']) {
      const docs = yaml.loadAll(fs.readFileSync(repoPath('deploy/manifests', f), 'utf8')).filter(Boolean) as { kind: string }[];
      expect(docs.length, f).toBeGreaterThan(0);
    }
  });
});
