// The synthetic half: no Kafka. The agent publishes snapshots of 10k, 100k and 300k series through
// the metrics layer and through the bare string builder, then serves them to the scraper.
import { AgentClient, scrapeWhileIdle } from './agentClient.js';
import type { AgentBuild } from './agentClient.js';
import type { SyntheticResult } from './results.js';
import { ratio, summarize } from './stats.js';
import { measureWire } from './wire.js';

export interface SyntheticOptions {
  sizes: number[];
  reps: number;
  scrapes: number;
  agent: AgentBuild;
  say: (line: string) => void;
}

export async function runSyntheticMode(o: SyntheticOptions): Promise<SyntheticResult[]> {
  const out: SyntheticResult[] = [];
  for (const size of o.sizes) {
    // A fresh process per size: memory and heap state of one size do not leak into the next.
    const agent = AgentClient.spawn(o.agent);
    try {
      const { url } = await agent.call('start', {});
      const f = await agent.call('synthetic', { targetSeries: size, reps: o.reps });
      const wire = await measureWire(url);
      const layer = f.publishMs.map((p, i) => p + (f.renderMs[i] ?? 0));
      const scrapes = await scrapeWhileIdle(agent, url, o.scrapes);
      const memory = await agent.call('memory', {});
      const r: SyntheticResult = {
        targetSeries: size,
        series: f.series,
        bytes: f.bytes,
        publishMs: summarize(f.publishMs),
        renderMs: summarize(f.renderMs),
        layerMs: summarize(layer),
        bareMs: summarize(f.bareMs),
        ratio: ratio(summarize(layer).p50, summarize(f.bareMs).p50),
        publishEventLoopMaxMs: f.publishEventLoopMaxMs,
        scrapes,
        memory,
        wire,
      };
      out.push(r);
      o.say(
        `synthetic ${r.series.toLocaleString('en-US')} series: layer p50 ${r.layerMs.p50.toFixed(1)} ms, bare p50 ${r.bareMs.p50.toFixed(1)} ms, ` +
          `ratio ${r.ratio?.toFixed(2) ?? 'n/a'}, scrape p50 ${r.scrapes.ms.p50.toFixed(1)} ms; ` +
          `wire per scrape: plain ${wire.plainBytes.toLocaleString('en-US')} B, gzip ${wire.gzipBytes.toLocaleString('en-US')} B, ` +
          `OpenMetrics+gzip ${wire.openMetricsGzipBytes.toLocaleString('en-US')} B (first gzip scrape ${wire.gzipFirstMs.toFixed(0)} ms, later ${wire.gzipLaterMs.toFixed(0)} ms)`,
      );
    } finally {
      await agent.close();
    }
  }
  return out;
}

