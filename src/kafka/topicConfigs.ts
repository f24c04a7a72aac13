// Topic configs (DescribeConfigs) for the count audit: whether a topic is compacted or stamps
// LogAppendTime decides whether its record counts mean anything. Any broker answers for topic
// resources, so one request covers every topic; a broker that does not answer is replaced by
// another once, and a topic the broker refuses (no DESCRIBE_CONFIGS permission) or does not know
// is returned with its error, never thrown. DescribeConfigs is an optional permission (the audit
// judges such topics anyway and says their configs are unknown): a refusal is logged once at info
// level, not counted as a poll error; other per-topic errors are.
import { apiKeys } from './kafkajsInternals.js';
import { ErrorCode, errorName } from './errorCodes.js';
import type { PortContext } from './portContext.js';
import { metadataFor } from './portContext.js';
import { settle } from './partialFailures.js';
import { KafkaRequestError } from './brokerConnections.js';
import type { Target } from './brokerConnections.js';
import { DESCRIBE_CONFIGS_VERSIONS, RESOURCE_TYPE_TOPIC, decodeDescribeConfigsResponse, encodeDescribeConfigsRequest } from './describeConfigsProtocol.js';
import type { DescribedResource } from './describeConfigsProtocol.js';
import type { TopicConfigs, TopicConfigValue } from './port.js';

const ATTEMPTS = 2;

/** Per port, the last refusal logged: said once, again only when it changes. */
const refusalNoted = new WeakMap<PortContext, string>();

export async function describeTopicConfigs(ctx: PortContext, topics: readonly string[], keys: readonly string[]): Promise<TopicConfigs[]> {
  const wanted = [...new Set(topics)];
  if (wanted.length === 0) return [];
  const meta = await metadataFor(ctx, []);
  const first = ctx.conns.anyNode();
  const candidates: Target[] = [first];
  for (const node of meta.brokers.values()) {
    const t = ctx.conns.nodeTarget(node);
    if (candidates.length < ATTEMPTS && t.label !== first.label) candidates.push(t);
  }
  const failures: string[] = [];
  let answer: DescribedResource[] | null = null;
  for (const target of candidates) {
    if (answer !== null) break;
    try {
      answer = (
        await ctx.conns.sendOwn(target, {
          apiKey: apiKeys.DescribeConfigs!,
          apiName: 'DescribeConfigs',
          versions: DESCRIBE_CONFIGS_VERSIONS,
          encode: (version) => encodeDescribeConfigsRequest(version, wanted, keys),
          decode: (raw, version) => decodeDescribeConfigsResponse(raw, version),
        })
      ).data;
    } catch (e) {
      failures.push((e as Error).message);
    }
  }
  if (answer === null) throw new KafkaRequestError(`cluster ${ctx.alias}: describing topic configs failed: ${failures.join('; ')}`);

  const byName = new Map<string, DescribedResource>();
  for (const r of answer) if (r.resourceType === RESOURCE_TYPE_TOPIC) byName.set(r.resourceName, r);
  const out: TopicConfigs[] = [];
  const failed: { subject: string; reason: string; requestLevel: boolean }[] = [];
  const refused: string[] = [];
  for (const topic of wanted) {
    const r = byName.get(topic);
    let error: string | null = null;
    if (!r) error = 'the broker left the topic out of its DescribeConfigs answer';
    else if (r.errorCode !== ErrorCode.NONE) error = r.errorMessage ? `${errorName(r.errorCode)}: ${r.errorMessage}` : errorName(r.errorCode);
    const configs: Record<string, TopicConfigValue> = {};
    if (error === null) for (const c of r!.configs) configs[c.name] = { value: c.value, source: c.source };
    else if (r?.errorCode === ErrorCode.TOPIC_AUTHORIZATION_FAILED) refused.push(topic);
    else failed.push({ subject: `topic ${topic}`, reason: error, requestLevel: false });
    out.push({ topic, configs, error });
  }
  settle(ctx, 'describing topic configs', 'topic_configs', out.length - failed.length, failed);
  const note = refused.length === 0 ? '' : `no DescribeConfigs permission on ${refused.length} topics (${refused.slice(0, 5).join(', ')}${refused.length > 5 ? ', ...' : ''}): the count audit cannot tell whether they are compacted or stamp LogAppendTime, and judges them anyway`;
  if (note !== (refusalNoted.get(ctx) ?? '')) {
    refusalNoted.set(ctx, note);
    if (note !== '') ctx.logger.info({ topics: refused.length }, note);
  }
  return out;
}
