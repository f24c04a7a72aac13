#!/usr/bin/env node
// Copies the repository's alert/recording rules and Grafana dashboards into the Helm chart
// (deploy/helm/mirrorwatch/files/), because a chart can only read files inside itself. The
// copies are never edited by hand: edit prometheus/rules/ or grafana/dashboards/ and run this.
//   node scripts/sync-chart-assets.mjs           copy (and delete copies whose source is gone)
//   node scripts/sync-chart-assets.mjs --check   exit 1 and name the files that differ
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const chart = join(root, 'deploy', 'helm', 'mirrorwatch', 'files');
export const ASSETS = [
  { from: join(root, 'prometheus', 'rules'), to: join(chart, 'rules'), ext: '.yml' },
  { from: join(root, 'grafana', 'dashboards'), to: join(chart, 'dashboards'), ext: '.json' },
];

const check = process.argv.includes('--check');
const stale = [];
for (const { from, to, ext } of ASSETS) {
  const wanted = readdirSync(from).filter((f) => f.endsWith(ext)).sort();
  if (!check) mkdirSync(to, { recursive: true });
  const present = existsSync(to) ? readdirSync(to).filter((f) => f.endsWith(ext)) : [];
  for (const f of present) {
    if (wanted.includes(f)) continue;
    if (check) stale.push(`${join(to, f)} (no ${join(from, f)})`);
    else rmSync(join(to, f));
  }
  for (const f of wanted) {
    const src = join(from, f);
    const dst = join(to, f);
    const same = existsSync(dst) && readFileSync(src).equals(readFileSync(dst));
    if (same) continue;
    if (check) stale.push(`${dst} (differs from ${src})`);
    else copyFileSync(src, dst);
  }
}
if (check && stale.length > 0) {
  console.error(`the chart's copies are out of date; run: node scripts/sync-chart-assets.mjs\n  ${stale.join('\n  ')}`);
  process.exit(1);
}
if (!check) console.log(`chart assets synced into ${chart}`);
