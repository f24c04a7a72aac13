// Which topics a flow replicates, with the semantics of MM2's DefaultTopicFilter and
// MirrorSourceConnector.shouldReplicateTopic:
// - `topics` / `topics.exclude` are lists of Java regexes, joined with '|' into one pattern that
//   must match the WHOLE name (Pattern.matcher(name).matches()), evaluated by javaRegex.ts;
// - an empty include list matches nothing (MirrorUtils.compilePatternList returns null for it),
//   an empty exclude list excludes nothing;
// - internal topics and cycles (a topic whose origin, hop by hop, is the target) are never copied.
import { compileJavaPatternList, splitConfigDefList } from './javaRegex.js';
import type { JavaRegexError } from './javaRegex.js';
import type { ReplicationPolicy } from './replicationPolicy.js';
import type { FlowConfig } from './types.js';

export const DEFAULT_TOPICS_INCLUDE: readonly string[] = ['.*'];
export const DEFAULT_TOPICS_EXCLUDE: readonly string[] = ['.*[\\-\\.]internal', '.*\\.replica', '__.*'];

export interface TopicFilterError extends JavaRegexError {
  /** The MM2 key the pattern came from. */
  list: 'topics' | 'topics.exclude';
}

export interface TopicFilter {
  included(topic: string): boolean;
  excluded(topic: string): boolean;
  /** DefaultTopicFilter.shouldReplicateTopic: included and not excluded. */
  matches(topic: string): boolean;
}

export type TopicFilterResult = { ok: true; filter: TopicFilter } | { ok: false; errors: TopicFilterError[] };

/** Split an MM2 list value as Kafka's ConfigDef does for Type.LIST (see splitConfigDefList). */
export function splitMm2List(value: string): string[] {
  return splitConfigDefList(value);
}

function compileList(list: TopicFilterError['list'], patterns: readonly string[], errors: TopicFilterError[]): ((topic: string) => boolean) | null {
  if (patterns.length === 0) return null;
  const r = compileJavaPatternList(patterns, 'topic');
  if (r.ok) return r.matches;
  errors.push({ ...r.error, list });
  return null;
}

export function compileTopicFilter(include: readonly string[], exclude: readonly string[]): TopicFilterResult {
  const errors: TopicFilterError[] = [];
  const includeRe = compileList('topics', include, errors);
  const excludeRe = compileList('topics.exclude', exclude, errors);
  if (errors.length > 0) return { ok: false, errors };
  const included = (topic: string): boolean => includeRe !== null && includeRe(topic);
  const excluded = (topic: string): boolean => excludeRe !== null && excludeRe(topic);
  return { ok: true, filter: { included, excluded, matches: (topic) => included(topic) && !excluded(topic) } };
}

/** One line per error, naming the key and the pattern, for config messages. */
export function describeTopicFilterError(error: TopicFilterError): string {
  const at = error.index === undefined ? '' : ` at index ${error.index}`;
  return `${error.list}: pattern "${error.pattern}"${at}: ${error.message}`;
}

const filterCache = new Map<string, TopicFilter>();
const FILTER_CACHE_LIMIT = 256;

/**
 * The compiled filter of a flow, cached by its patterns (polls call this every cycle).
 * @throws Error naming the flow and patterns when they do not compile: the config layer must
 * have rejected such a flow with compileTopicFilter before any poll.
 */
export function topicFilterForFlow(flow: Pick<FlowConfig, 'source' | 'target' | 'topics' | 'topicsExclude'>): TopicFilter {
  const cacheKey = JSON.stringify([flow.topics, flow.topicsExclude]);
  const cached = filterCache.get(cacheKey);
  if (cached) return cached;
  const result = compileTopicFilter(flow.topics, flow.topicsExclude);
  if (!result.ok) {
    throw new Error(`flow ${flow.source}->${flow.target}: ${result.errors.map(describeTopicFilterError).join('; ')}`);
  }
  if (filterCache.size >= FILTER_CACHE_LIMIT) filterCache.clear();
  filterCache.set(cacheKey, result.filter);
  return result.filter;
}

/** MirrorSourceConnector.isCycle: whether `topic`, hop by hop upstream, came from `target`. */
export function isCycle(policy: ReplicationPolicy, target: string, topic: string): boolean {
  let current = topic;
  for (let hops = 0; hops <= topic.length; hops++) {
    const source = policy.topicSource(current);
    if (source === null) return false;
    if (source === target) return true;
    const upstream = policy.upstreamTopic(current);
    if (upstream === null || upstream === current) return false;
    current = upstream;
  }
  return false;
}

type FlowForSelection = Pick<FlowConfig, 'source' | 'target' | 'topics' | 'topicsExclude'>;

/**
 * Whether MM2 `source->target` copies `topic` of the source as data: the filter matches, it is
 * not internal and not a cycle. Heartbeats topics are left out even though MM2 copies them
 * (heartbeats.replication.enabled): mirrorwatch reports them as heartbeat age, not lag.
 */
export function isReplicatedSourceTopic(flow: FlowForSelection, policy: ReplicationPolicy, topic: string): boolean {
  return replicates(topicFilterForFlow(flow), flow.target, policy, topic);
}

function replicates(filter: TopicFilter, target: string, policy: ReplicationPolicy, topic: string): boolean {
  return filter.matches(topic) && !policy.isInternalTopic(topic) && !policy.isHeartbeatsTopic(topic) && !isCycle(policy, target, topic);
}

/** Topics of the source cluster that the flow replicates as data, sorted. */
export function selectSourceTopics(flow: FlowForSelection, policy: ReplicationPolicy, sourceTopicNames: Iterable<string>): string[] {
  const filter = topicFilterForFlow(flow);
  const selected: string[] = [];
  for (const name of sourceTopicNames) {
    if (replicates(filter, flow.target, policy, name)) selected.push(name);
  }
  return selected.sort(compareNames);
}

export interface RemoteTopicCandidate {
  /** Name on the target. */
  remoteTopic: string;
  /** Name on the source this would be the copy of. */
  sourceTopic: string;
}

/**
 * Topics of the target cluster that are remote copies for this flow: named as MM2 names the copy
 * of a topic it replicates. With the identity policy every name passing the filter qualifies,
 * since copies keep their names. Sorted by remote name.
 */
export function remoteTopicCandidates(flow: FlowForSelection, policy: ReplicationPolicy, targetTopicNames: Iterable<string>): RemoteTopicCandidate[] {
  const filter = topicFilterForFlow(flow);
  const candidates: RemoteTopicCandidate[] = [];
  for (const remoteTopic of targetTopicNames) {
    const sourceTopic = policy.sourceTopicOf(flow.source, remoteTopic);
    if (sourceTopic !== null && replicates(filter, flow.target, policy, sourceTopic)) {
      candidates.push({ remoteTopic, sourceTopic });
    }
  }
  return candidates.sort((a, b) => compareNames(a.remoteTopic, b.remoteTopic));
}

/** Code-unit order, independent of locale, so every renderer sorts alike. */
export function compareNames(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
