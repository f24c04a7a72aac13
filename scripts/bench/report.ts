// Turns the figures into the printed tables and the verdict on each target of docs/design.md.
import type { BenchResults, KafkaResults, SyntheticResult, TargetResult } from './results.js';
import { ratio } from './stats.js';

/** The bounds of docs/design.md (2-core machine, 2 clusters x 20,000 partitions). */
export const TARGETS = {
  requestsRatio: 1.1,
  pollP50Seconds: 0.5,
  metricsSeconds: 0.2,
  layerVsBare: 2,
  eventLoopBlockSeconds: 0.1,
  rssMB: 250,
  scalePartitions: 20_000,
  scaleSeries: 100_000,
} as const;

const MB = 2 ** 20;

export function fmtInt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

export function fmtMB(bytes: number): string {
  return (bytes / MB).toFixed(1);
}

/** Columns padded to their widest cell; cells that look numeric are right-aligned. */
export function renderTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const numeric = (s: string): boolean => /^[-+]?[\d,.]+( ?(ms|s|MB|x|%))?$/.test(s);
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (numeric(c) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

function synthAt(results: readonly SyntheticResult[] | undefined, series: number): SyntheticResult | undefined {
  // The size closest to the target count (the synthetic snapshot lands within a few % of it).
  let best: SyntheticResult | undefined;
  for (const r of results ?? []) {
    if (!best || Math.abs(r.targetSeries - series) < Math.abs(best.targetSeries - series)) best = r;
  }
  return best && Math.abs(best.targetSeries - series) <= series * 0.1 ? best : undefined;
}

const verdict = (value: number | null, bound: number): boolean | null => (value === null || !Number.isFinite(value) ? null : value <= bound);

export function evaluateTargets(r: Pick<BenchResults, 'kafka' | 'synthetic'>): TargetResult[] {
  const out: TargetResult[] = [];
  const k = r.kafka;
  const first = k?.steps[0];
  const last = k?.steps[k.steps.length - 1];
  const scaleNote = last && last.partitions < TARGETS.scalePartitions ? `measured at ${fmtInt(last.partitions)} partitions per cluster, below the target's 20,000` : undefined;

  const reqRatio = first && last && k && k.steps.length > 1 ? ratio(last.requestsPerCycleTotal, first.requestsPerCycleTotal) : null;
  out.push({
    name: `Kafka requests per poll cycle, ${last ? fmtInt(last.partitions) : '20,000'} : ${first ? fmtInt(first.partitions) : '1,000'} partitions`,
    target: `<= ${TARGETS.requestsRatio}`,
    measured: reqRatio === null ? 'not measured' : `${reqRatio.toFixed(2)} (${last?.requestsPerCycleTotal} / ${first?.requestsPerCycleTotal})`,
    pass: verdict(reqRatio, TARGETS.requestsRatio),
    note: scaleNote,
  });

  const pollP50 = last ? Math.max(...Object.values(last.pollSeconds).map((s) => s.p50)) : null;
  out.push({
    name: `poll cycle p50, 2 clusters x ${last ? fmtInt(last.partitions) : '20,000'} partitions (slowest cluster)`,
    target: `<= ${TARGETS.pollP50Seconds} s`,
    measured: pollP50 === null ? 'not measured' : `${pollP50.toFixed(3)} s`,
    pass: verdict(pollP50, TARGETS.pollP50Seconds),
    note: scaleNote,
  });

  const s100 = synthAt(r.synthetic, TARGETS.scaleSeries);
  out.push({
    name: `GET /metrics, ${s100 ? fmtInt(s100.series) : '100,000'} series (synthetic, p95)`,
    target: `<= ${TARGETS.metricsSeconds} s`,
    measured: s100 ? `${fmtMs(s100.scrapes.ms.p95)} ms` : 'not measured',
    pass: s100 ? verdict(s100.scrapes.ms.p95 / 1000, TARGETS.metricsSeconds) : null,
  });
  out.push({
    name: `metrics layer publish + render, ${s100 ? fmtInt(s100.series) : '100,000'} series (p95)`,
    target: `<= ${TARGETS.metricsSeconds} s`,
    measured: s100 ? `${fmtMs(s100.layerMs.p95)} ms` : 'not measured',
    pass: s100 ? verdict(s100.layerMs.p95 / 1000, TARGETS.metricsSeconds) : null,
  });
  out.push({
    name: 'metrics layer vs bare string builder, 100,000 series (p50 / p50)',
    target: `<= ${TARGETS.layerVsBare}x`,
    measured: s100?.ratio != null ? `${s100.ratio.toFixed(2)}x (${fmtMs(s100.layerMs.p50)} / ${fmtMs(s100.bareMs.p50)} ms)` : 'not measured',
    pass: s100?.ratio != null ? verdict(s100.ratio, TARGETS.layerVsBare) : null,
  });
  if (k && last) {
    out.push({
      name: `GET /metrics, ${fmtInt(last.series)} series from 2 x ${fmtInt(last.partitions)} partitions (p95)`,
      target: `<= ${TARGETS.metricsSeconds} s`,
      measured: `${fmtMs(k.idleScrapes.ms.p95)} ms idle, ${fmtMs(last.scrapesDuringCycles.ms.p95)} ms while polling`,
      pass: verdict(Math.max(k.idleScrapes.ms.p95, last.scrapesDuringCycles.ms.p95) / 1000, TARGETS.metricsSeconds),
      note: last.series < TARGETS.scaleSeries ? 'fewer series than the target size' : undefined,
    });
  }

  const scrapeBlocks = [...(k ? [k.idleScrapes.eventLoopMaxMs.max] : []), ...(s100 ? [s100.scrapes.eventLoopMaxMs.max] : [])];
  const scrapeBlock = scrapeBlocks.length ? Math.max(...scrapeBlocks) : null;
  out.push({
    name: 'longest event-loop block while a scrape is served',
    target: `<= ${TARGETS.eventLoopBlockSeconds * 1000} ms`,
    measured: scrapeBlock === null ? 'not measured' : `${fmtMs(scrapeBlock)} ms`,
    pass: scrapeBlock === null ? null : verdict(scrapeBlock / 1000, TARGETS.eventLoopBlockSeconds),
  });
  if (last) {
    const block = last.eventLoopMaxMsPerCycle.max;
    out.push({
      name: 'longest event-loop block during poll cycles, scrapes running',
      target: `<= ${TARGETS.eventLoopBlockSeconds * 1000} ms`,
      measured: `${fmtMs(block)} ms`,
      pass: verdict(block / 1000, TARGETS.eventLoopBlockSeconds),
      note: 'a scrape arriving then waits this long at worst',
    });
  }

  out.push({
    name: `RSS after ${last ? `${last.cycles} cycles at 2 x ${fmtInt(last.partitions)}` : '20 cycles at 2 x 20,000'} partitions`,
    target: `<= ${TARGETS.rssMB} MB`,
    measured: k ? `${fmtMB(k.memory.afterCycles.rssBytes)} MB (after warm-up ${fmtMB(k.memory.afterWarmup.rssBytes)} MB)` : 'not measured',
    pass: k ? verdict(k.memory.afterCycles.rssBytes / MB, TARGETS.rssMB) : null,
    note: scaleNote,
  });
  return out;
}

function apiList(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([api, n]) => `${api} ${n}`)
    .join(', ');
}

export function kafkaTables(k: KafkaResults): string {
  const aliases = Object.keys(k.steps[0]?.pollSeconds ?? {});
  const stepRows = k.steps.map((s) => [
    fmtInt(s.partitions),
    fmtInt(s.topicsPerCluster),
    ...aliases.map((a) => {
      const p = s.pollSeconds[a];
      return p ? `${p.p50.toFixed(3)} / ${p.p95.toFixed(3)} / ${p.max.toFixed(3)}` : 'n/a';
    }),
    String(s.requestsPerCycleTotal),
    fmtInt(s.series),
    fmtMs(s.publishMsPerCycle.p50),
    fmtMs(s.scrapesDuringCycles.ms.p50),
    fmtMs(s.eventLoopMaxMsPerCycle.max),
  ]);
  const header = ['partitions/cluster', 'topics', ...aliases.map((a) => `poll s ${a} p50/p95/max`), 'req/cycle', 'series', 'publish to served ms', 'scrape ms p50', 'max block ms'];
  const reqRows = k.steps.flatMap((s) => Object.entries(s.requestsPerCycle).map(([alias, counts]) => [fmtInt(s.partitions), alias, apiList(counts)]));
  const lines = [
    renderTable(header, stepRows),
    '',
    'Kafka requests per poll cycle (median of the cycles, from mirrorwatch_kafka_requests_total):',
    renderTable(['partitions/cluster', 'cluster', 'requests by API'], reqRows),
    '',
    `agent RSS: ${fmtMB(k.memory.afterWarmup.rssBytes)} MB after warm-up, ${fmtMB(k.memory.afterCycles.rssBytes)} MB after the cycles (heap used ${fmtMB(k.memory.afterCycles.heapUsedBytes)} MB)`,
    `idle scrapes (n=${k.idleScrapes.ms.n}): p50 ${fmtMs(k.idleScrapes.ms.p50)} ms, p95 ${fmtMs(k.idleScrapes.ms.p95)} ms, max ${fmtMs(k.idleScrapes.ms.max)} ms; body ${fmtMB(k.idleScrapes.bytes)} MB; longest event-loop block during a scrape ${fmtMs(k.idleScrapes.eventLoopMaxMs.max)} ms`,
    `brokers: ${k.brokers.map((b) => `${b.alias} ${b.rssMB} MB RSS, ${b.maxOpenFiles ?? '?'} open files on its busiest broker`).join('; ')}`,
  ];
  const warn = Object.entries(k.logs.levels).filter(([l]) => ['warn', 'error', 'fatal'].includes(l));
  if (warn.length) lines.push(`agent log: ${warn.map(([l, n]) => `${n} ${l}`).join(', ')}; first: ${k.logs.warnings.slice(0, 3).join(' | ')}`);
  if (k.shards?.length) {
    lines.push('', `Shards (${k.shards[0]!.count}), each measured alone at full size:`);
    const shardAliases = Object.keys(k.shards[0]!.pollSeconds);
    lines.push(
      renderTable(
        ['shard', 'partitions/cluster', ...shardAliases.map((a) => `poll s ${a} p50/p95/max`), 'polled (incl. MM2)', 'req/cycle', 'series', 'publish ms p50', 'RSS MB warm-up / after', 'heap used MB'],
        k.shards.map((s) => [
          `${s.index}/${s.count}`,
          fmtInt(s.partitions[shardAliases[0] ?? ''] ?? 0),
          ...shardAliases.map((a) => {
            const p = s.pollSeconds[a];
            return p ? `${p.p50.toFixed(3)} / ${p.p95.toFixed(3)} / ${p.max.toFixed(3)}` : 'n/a';
          }),
          Object.values(s.partitionsPolled).map(fmtInt).join(' + '),
          String(s.requestsPerCycleTotal),
          fmtInt(s.series),
          fmtMs(s.publishMsPerCycle.p50),
          `${fmtMB(s.memory.afterWarmup.rssBytes)} / ${fmtMB(s.memory.afterCycles.rssBytes)}`,
          fmtMB(s.memory.afterCycles.heapUsedBytes),
        ]),
      ),
    );
  }
  if (k.checks.length) {
    lines.push('', 'Cardinality controls at full size:');
    lines.push(
      renderTable(
        ['check', 'result', 'series', 'req/cycle', 'publish ms', 'detail'],
        k.checks.map((c) => [c.name, c.ok ? 'ok' : 'FAILED', c.series === undefined ? '' : fmtInt(c.series), String(c.requestsPerCycleTotal ?? ''), c.publishMsP50 === undefined ? '' : fmtMs(c.publishMsP50), c.detail]),
      ),
    );
  }
  return lines.join('\n');
}

export function syntheticTable(rows: readonly SyntheticResult[]): string {
  return renderTable(
    ['series', 'body MB', 'publish ms p50', 'render ms p50', 'layer ms p50/p95', 'bare ms p50', 'layer/bare', 'GET ms p50/p95', 'max block ms', 'RSS MB', 'wire KB plain/gzip'],
    rows.map((r) => [
      fmtInt(r.series),
      fmtMB(r.bytes),
      fmtMs(r.publishMs.p50),
      fmtMs(r.renderMs.p50),
      `${fmtMs(r.layerMs.p50)} / ${fmtMs(r.layerMs.p95)}`,
      fmtMs(r.bareMs.p50),
      r.ratio === null ? 'n/a' : `${r.ratio.toFixed(2)}x`,
      `${fmtMs(r.scrapes.ms.p50)} / ${fmtMs(r.scrapes.ms.p95)}`,
      fmtMs(Math.max(r.scrapes.eventLoopMaxMs.max, r.publishEventLoopMaxMs)),
      fmtMB(r.memory.rssBytes),
      r.wire ? `${fmtInt(Math.round(r.wire.plainBytes / 1024))} / ${fmtInt(Math.round(r.wire.gzipBytes / 1024))}` : 'n/a',
    ]),
  );
}

export function targetsTable(targets: readonly TargetResult[]): string {
  return renderTable(
    ['target (docs/design.md)', 'bound', 'measured', 'verdict'],
    targets.map((t) => [t.name, t.target, t.measured, (t.pass === null ? 'n/a' : t.pass ? 'PASS' : 'MISS') + (t.note ? ` (${t.note})` : '')]),
  );
}

export function fullReport(r: BenchResults): string {
  const m = r.machine;
  const out = [
    `mirrorwatch benchmark, ${r.startedAt}`,
    `machine: ${m.cpus} CPUs (${m.cpuModel}), ${fmtInt(m.totalMemoryMB)} MB RAM, Node ${m.nodeVersion}, ${m.platform}; load average at start ${m.loadAverageAtStart.join(' ')}, at end ${r.loadAverageAtEnd.join(' ')}`,
    `command: ${r.command}`,
  ];
  if (r.kafka) {
    const k = r.kafka;
    out.push(
      `Kafka ${k.kafkaVersion}${k.mm2Version ? `, MM2 ${k.mm2Version}` : ', no MM2'}; 2 clusters x ${k.brokersPerCluster} broker(s); ${k.partitionsPerTopic} partitions per topic; ${k.groups} consumer groups; ${k.recordsPerPartition} records per source partition; cycles ${k.cycleIntervalMs > 0 ? `every ${k.cycleIntervalMs / 1000} s` : 'back to back'}, a scrape every ${k.scrapeIntervalMs / 1000} s meanwhile`,
      '',
      kafkaTables(k),
    );
  }
  if (r.synthetic?.length) out.push('', 'Synthetic snapshots through the metrics layer vs a bare string builder:', syntheticTable(r.synthetic));
  out.push('', targetsTable(r.targets));
  return out.join('\n');
}
