import { describe, expect, it } from 'vitest';
import { acceptsGzip, negotiateFormat } from '../../../src/http/negotiate.js';

describe('negotiateFormat', () => {
  it.each([
    [undefined, 'text'],
    ['', 'text'],
    ['*/*', 'text'],
    ['text/plain;version=0.0.4', 'text'],
    ['application/openmetrics-text', 'openmetrics'],
    // Prometheus 2.x
    ['application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'openmetrics'],
    // Prometheus 3.x (parameters that no offer varies on)
    ['application/openmetrics-text;version=1.0.0;escaping=allow-utf-8;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=allow-utf-8;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1', 'openmetrics'],
    // Prometheus 3.x with scrape_protocols: [PrometheusText0.0.4]
    ['text/plain;version=0.0.4;q=0.5,*/*;q=0.1', 'text'],
    ['text/plain;q=0.9, application/openmetrics-text;q=0.5', 'text'],
    ['application/openmetrics-text;q=0', 'text'],
    ['Application/OpenMetrics-Text ; q=0.8, text/plain ; q=0.2', 'openmetrics'],
  ])('Accept %j -> %s', (accept, expected) => {
    expect(negotiateFormat(accept)).toBe(expected);
  });
});

describe('acceptsGzip', () => {
  it.each([
    [undefined, false],
    ['', false],
    ['gzip', true],
    ['deflate, gzip;q=1.0, *;q=0.5', true],
    ['br', false],
    ['gzip;q=0', false],
    ['*', true],
    ['gzip;q=0, *', false],
    ['identity', false],
  ])('Accept-Encoding %j -> %s', (header, expected) => {
    expect(acceptsGzip(header)).toBe(expected);
  });
});
