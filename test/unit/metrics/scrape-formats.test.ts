import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { createMetrics } from '../../../src/metrics/metrics.js';
import { deflatePart, gzipJoined, textToOpenMetrics } from '../../../src/metrics/scrape-formats.js';
import { SNAPSHOT_FAMILIES } from '../../../src/metrics/snapshot-series.js';
import { captureLogger } from './log-capture.js';
import { largeSnapshot, makeSnapshot } from '../helpers/snapshot.js';

describe('gzipJoined', () => {
  it('joins a once-deflated part and a per-scrape part into one gzip member any reader decodes', async () => {
    const first = Buffer.from('a'.repeat(100_000) + 'line one\nline "two"\n');
    const rest = Buffer.from('# HELP x y\n# TYPE x gauge\nx 1\n');
    const gz = gzipJoined(await deflatePart(first), rest);
    expect(gz.subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
    // gunzip checks the CRC-32 and length in the trailer: a wrong continuation throws here.
    expect(gunzipSync(gz).equals(Buffer.concat([first, rest]))).toBe(true);
    expect(gz.length).toBeLessThan(first.length / 50);
  });

  it('survives an empty per-scrape part and an empty first part', async () => {
    expect(gunzipSync(gzipJoined(await deflatePart(Buffer.alloc(0)), Buffer.from('x 1\n'))).toString()).toBe('x 1\n');
    expect(gunzipSync(gzipJoined(await deflatePart(Buffer.from('y 2\n')), Buffer.alloc(0))).toString()).toBe('y 2\n');
  });
});

describe('textToOpenMetrics', () => {
  const text = [
    '# HELP jobs_total Jobs "done".',
    '# TYPE jobs_total counter',
    'jobs_total{kind="a"} 3',
    '',
    '# HELP restarts Restarts without the suffix.',
    '# TYPE restarts counter',
    'restarts 2',
    '',
    '# HELP odd Untyped.',
    '# TYPE odd untyped',
    'odd 1',
    '',
    '# HELP g A gauge.',
    '# TYPE g gauge',
    'g{a="x y"} 1.5',
    '',
  ].join('\n');

  it('names counter families without _total, keeps or adds it on samples, maps untyped, ends with # EOF', () => {
    expect(textToOpenMetrics(text)).toBe(
      [
        '# HELP jobs Jobs \\"done\\".',
        '# TYPE jobs counter',
        'jobs_total{kind="a"} 3',
        '# HELP restarts Restarts without the suffix.',
        '# TYPE restarts counter',
        'restarts_total 2',
        '# HELP odd Untyped.',
        '# TYPE odd unknown',
        'odd 1',
        '# HELP g A gauge.',
        '# TYPE g gauge',
        'g{a="x y"} 1.5',
        '# EOF',
        '',
      ].join('\n'),
    );
  });

  it('the snapshot series outside the per-scrape part need no rewriting: gauges, HELP texts without double quotes', () => {
    for (const f of Object.values(SNAPSHOT_FAMILIES)) {
      expect(f.help, f.name).not.toContain('"');
      if (f.type === 'counter') {
        // Rewritten per scrape (counters part); an OpenMetrics family name must not collide with a gauge's.
        expect(f.name.endsWith('_total'), f.name).toBe(true);
        const family = f.name.slice(0, -'_total'.length);
        expect(Object.values(SNAPSHOT_FAMILIES).map((g) => g.name), f.name).not.toContain(family);
      } else {
        expect(f.type, f.name).toBe('gauge');
      }
    }
  });
});

describe('render() formats', () => {
  const setup = () => {
    const log = captureLogger('info');
    return createMetrics({ version: '1.0.0', logger: log.logger, defaultMetrics: true });
  };

  it('gzip decodes to exactly the plain text, and OpenMetrics differs only in the registry part', async () => {
    const metrics = setup();
    metrics.telemetry.kafkaRequest('us-east', 'Metadata');
    metrics.publish(makeSnapshot({}));
    await metrics.settled();
    const plain = await metrics.render();
    const gz = await metrics.render({ gzip: true });
    expect(gz.contentEncoding).toBe('gzip');
    expect(plain.contentEncoding).toBeUndefined();
    // Process metrics move between scrapes; compare the stable lines only.
    const stable = (s: string) => s.split('\n').filter((l) => !/^(process_|nodejs_)/.test(l)).join('\n');
    expect(stable(gunzipSync(gz.body).toString())).toBe(stable(plain.body.toString()));

    const om = await metrics.render({ format: 'openmetrics' });
    expect(om.contentType).toBe('application/openmetrics-text; version=1.0.0; charset=utf-8');
    const omText = om.body.toString();
    expect(omText.endsWith('\n# EOF\n')).toBe(true);
    expect(omText.match(/# EOF/g)).toHaveLength(1);
    expect(omText).toContain('# TYPE mirrorwatch_kafka_requests counter\n');
    expect(omText).toContain('mirrorwatch_kafka_requests_total{cluster="us-east",api="Metadata"} 1\n');
    expect(omText).not.toMatch(/\n\n/);
    // A text scrape after an OpenMetrics one still has the counter's full name (prom-client's own
    // OpenMetrics mode would have renamed it for good).
    expect((await metrics.render()).body.toString()).toContain('# TYPE mirrorwatch_kafka_requests_total counter\n');
  });

  it('compresses the snapshot part once per snapshot and follows a new snapshot', async () => {
    const metrics = setup();
    const big = largeSnapshot(2, 300, 10);
    metrics.publish(big);
    await metrics.settled();
    const a = await metrics.render({ gzip: true, format: 'openmetrics' });
    const b = await metrics.render({ gzip: true, format: 'openmetrics' });
    const plain = (await metrics.render({ format: 'openmetrics' })).body;
    // Same deflated snapshot part: the first bytes after the gzip header are identical.
    expect(a.body.subarray(0, 2000).equals(b.body.subarray(0, 2000))).toBe(true);
    expect(gunzipSync(a.body).length).toBeGreaterThan(plain.length * 0.99);
    expect(a.body.length).toBeLessThan(plain.length / 5);

    metrics.publish(makeSnapshot({ sequence: 99 }));
    await metrics.settled();
    const after = gunzipSync((await metrics.render({ gzip: true })).body).toString();
    expect(after).not.toContain('mm2_replication_lag_records{');
  });
});
