// Topic configs of one cluster for the count audit, read with DescribeConfigs and kept for a few
// minutes: they rarely change, and the audit asks for them at every cycle. A topic seen for the
// first time is read at once; the others are read again together when the cache is older than
// its refresh period. A topic whose configs cannot be read (no DESCRIBE_CONFIGS permission, the
// cluster did not answer) is "unknown", with the reason: the audit judges it but says so.
import type { TopicAuditConfig, TopicNotJudged } from '../core/countAudit.js';
import { AUDIT_CONFIG_KEYS, topicNotJudged } from '../core/countAudit.js';
import type { KafkaPort, TopicConfigs } from '../kafka/port.js';

export type TopicConfigState = { config: TopicAuditConfig; error?: undefined } | { config?: undefined; error: string };

export const TOPIC_CONFIG_REFRESH_MS = 5 * 60_000;

export function auditConfigOf(t: TopicConfigs): TopicConfigState {
  if (t.error !== null) return { error: t.error };
  return {
    config: {
      cleanupPolicy: t.configs['cleanup.policy']?.value ?? null,
      timestampType: t.configs['message.timestamp.type']?.value ?? null,
    },
  };
}

export class TopicConfigCache {
  private readonly states = new Map<string, TopicConfigState>();
  private fetchedAt = -Infinity;
  /** Topics asked for since the last refresh, by any of the flows this cluster's cache serves. */
  private asked = new Set<string>();

  constructor(
    private readonly port: Pick<KafkaPort, 'describeTopicConfigs'>,
    private readonly now: () => number,
    private readonly refreshMs: number = TOPIC_CONFIG_REFRESH_MS,
  ) {}

  /**
   * The state of each topic asked for. One cache serves every flow from or to its cluster, so a
   * refresh reads every topic asked for since the last one, and forgets the topics nobody asked
   * for meanwhile (deleted topics, flows that left).
   */
  async get(topics: readonly string[]): Promise<Map<string, TopicConfigState>> {
    const wanted = [...new Set(topics)];
    for (const t of wanted) this.asked.add(t);
    const stale = this.now() - this.fetchedAt >= this.refreshMs;
    // A topic refused (no permission) is asked again at the next refresh, not at every cycle.
    const toRead = stale ? [...this.asked] : wanted.filter((t) => !this.states.has(t));
    if (toRead.length > 0) {
      try {
        for (const t of await this.port.describeTopicConfigs(toRead, [...AUDIT_CONFIG_KEYS])) this.states.set(t.topic, auditConfigOf(t));
        if (stale) {
          this.fetchedAt = this.now();
          for (const t of [...this.states.keys()]) if (!this.asked.has(t)) this.states.delete(t);
          this.asked = new Set();
        }
      } catch (err) {
        // Known configs stay as they were; the others are unknown until the cluster answers.
        const reason = `DescribeConfigs failed: ${err instanceof Error ? err.message : String(err)}`;
        for (const t of toRead) if (!this.states.get(t)?.config) this.states.set(t, { error: reason });
      }
    }
    return new Map(wanted.map((t) => [t, this.states.get(t) ?? { error: 'not read' }]));
  }
}

/** A topic whose configs the audit could not read on a cluster: it is judged, but compaction or LogAppendTime would go unnoticed. */
export interface ConfigUnknown {
  cluster: string;
  topic: string;
  error: string;
}

export interface AuditExclusions {
  /** Source topics the audit does not judge, with the reason. */
  notJudged: Map<string, TopicNotJudged>;
  unknown: ConfigUnknown[];
}

/** Which of the flow's topics cannot be judged because of their configs, on either cluster. */
export async function auditExclusions(
  source: { alias: string; configs: TopicConfigCache },
  target: { alias: string; configs: TopicConfigCache },
  topics: readonly { topic: string; remoteTopic: string }[],
): Promise<AuditExclusions> {
  const pairs = [...new Map(topics.map((t) => [t.topic, t])).values()];
  const [s, t] = await Promise.all([source.configs.get(pairs.map((p) => p.topic)), target.configs.get(pairs.map((p) => p.remoteTopic))]);
  const out: AuditExclusions = { notJudged: new Map(), unknown: [] };
  for (const p of pairs) {
    const sc = s.get(p.topic);
    const tc = t.get(p.remoteTopic);
    if (sc?.error !== undefined) out.unknown.push({ cluster: source.alias, topic: p.topic, error: sc.error });
    if (tc?.error !== undefined) out.unknown.push({ cluster: target.alias, topic: p.remoteTopic, error: tc.error });
    const reason = topicNotJudged(sc?.config, tc?.config, { source: `${source.alias} (${p.topic})`, target: `${target.alias} (${p.remoteTopic})` });
    if (reason) out.notJudged.set(p.topic, reason);
  }
  return out;
}
