// A Strimzi `KafkaMirrorMaker2` custom resource as a configuration source. Strimzi runs MM2 as
// connectors on a Kafka Connect cluster attached to the target: connectors are named
// `<source>-><target>.Mirror{Source,Checkpoint,Heartbeat}Connector`, the Connect offsets topic is
// the worker's offset.storage.topic (Strimzi default `mirrormaker2-cluster-offsets`).
// Two layouts exist:
//  - v1beta2 (and v1beta2 before the restructuring): spec.connectCluster, spec.clusters[] (alias,
//    bootstrapServers, tls, authentication, config), spec.mirrors[].sourceCluster/targetCluster,
//    optional mirrors[].heartbeatConnector; the offsets topic is clusters[connectCluster].config
//    ["offset.storage.topic"];
//  - v1 (also accepted by v1beta2 since the restructuring): spec.target (alias, bootstrapServers,
//    offsetStorageTopic, ...), spec.mirrors[].source (a cluster spec); no heartbeat connector.
// Secrets (Kubernetes Secrets named in the CR) are taken from environment variables
// MIRRORWATCH_SECRET_<SECRET>_<KEY> or from files <secretsDir>/<secretName>/<key> (the layout of
// a Secret mounted as a volume per secret). Messages name the secret and key, never the value.
import fs from 'node:fs';
import path from 'node:path';
import type { ConfigWarning, ReplicationPolicyConfig } from '../core/types.js';
import { DEFAULTS, DEFAULT_REPLICATION_POLICY_CLASS, IDENTITY_REPLICATION_POLICY_CLASS, topicsExcludeDefault } from './defaults.js';
import type { ClusterDraft, FileRef, FlowDraft, OAuthDraft, SaslDraft, TlsDraft, Where } from './drafts.js';
import { configDefBoolean, configDefList } from './javaValues.js';
import { emptyMm2Import, type Mm2Import } from './mm2Import.js';
import type { ConfigProblem } from './problems.js';
import { filterListProblem, wholeNameMatcher } from './regex.js';

export const STRIMZI_KIND = 'KafkaMirrorMaker2';
export const STRIMZI_DEFAULT_OFFSETS_TOPIC = 'mirrormaker2-cluster-offsets';
const API_GROUP = 'kafka.strimzi.io';
const VERSIONS = ['v1beta2', 'v1'];

export interface StrimziOptions {
  env: NodeJS.ProcessEnv;
  /** Directory holding <secretName>/<key> files; default $MIRRORWATCH_SECRETS_DIR. */
  secretsDir?: string;
  /** Kafka version MM2 runs when the resource has no spec.version (the `topics.exclude` default differs before 4.0). */
  mm2Version?: string;
}

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function isStrimziMirrorMaker2(doc: unknown): boolean {
  return isObj(doc) && doc.kind === STRIMZI_KIND;
}

/** MIRRORWATCH_SECRET_<SECRET>_<KEY>, upper case, every other character than A-Z and 0-9 as "_". */
export function secretEnvName(secretName: string, key: string): string {
  const norm = (s: string): string => s.toUpperCase().replace(/[^A-Z0-9]/g, '_');
  return `MIRRORWATCH_SECRET_${norm(secretName)}_${norm(key)}`;
}

/** Glob as Strimzi's trustedCertificates[].pattern uses it: `*` and `?` only. */
function globMatcher(pattern: string): (name: string) => boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  return (name) => re.test(name);
}

interface Ctx {
  file: string;
  opts: StrimziOptions;
  secretsDir: string | undefined;
  problems: ConfigProblem[];
  warnings: ConfigWarning[];
  /** spec.version, else StrimziOptions.mm2Version. */
  mm2Version?: string;
}

function problem(ctx: Ctx, at: string, message: string): void {
  ctx.problems.push({ file: ctx.file, path: at, message });
}

function str(ctx: Ctx, v: unknown, at: string, required: boolean): string | undefined {
  if (v === undefined || v === null) {
    if (required) problem(ctx, at, 'required but missing');
    return undefined;
  }
  if (typeof v !== 'string' || v.trim() === '') {
    problem(ctx, at, 'expected a non-empty string');
    return undefined;
  }
  return v;
}

/** Where a secret value comes from: an environment variable, or a file in the secrets directory. */
function secretSource(ctx: Ctx, secretName: string, key: string, at: string): { env: string } | { file: string } | undefined {
  const envName = secretEnvName(secretName, key);
  if (ctx.opts.env[envName] !== undefined) return { env: envName };
  if (ctx.secretsDir !== undefined) return { file: path.join(ctx.secretsDir, secretName, key) };
  problem(ctx, at, `needs key "${key}" of Secret "${secretName}": set ${envName}, or mount the Secret under a secrets directory (MIRRORWATCH_SECRETS_DIR or --secrets-dir DIR, read as DIR/${secretName}/${key})`);
  return undefined;
}

function secretText(ctx: Ctx, secretName: string, key: string, at: string): string | undefined {
  const src = secretSource(ctx, secretName, key, at);
  if (!src) return undefined;
  if ('env' in src) {
    const v = ctx.opts.env[src.env] ?? '';
    if (v === '') problem(ctx, at, `environment variable ${src.env} is empty`);
    return v === '' ? undefined : v;
  }
  try {
    return fs.readFileSync(src.file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    problem(ctx, at, `cannot read ${src.file} (key "${key}" of Secret "${secretName}"): ${code === 'ENOENT' ? 'no such file' : (code ?? String(e))}`);
    return undefined;
  }
}

function trustedCertificates(ctx: Ctx, list: unknown, at: string): string | undefined {
  if (list === undefined) return undefined;
  if (!Array.isArray(list)) {
    problem(ctx, at, 'expected a list of {secretName, certificate} or {secretName, pattern}');
    return undefined;
  }
  const pems: string[] = [];
  list.forEach((entry, i) => {
    const here = `${at}[${i}]`;
    if (!isObj(entry)) {
      problem(ctx, here, 'expected a mapping with secretName and certificate (or pattern)');
      return;
    }
    const secret = str(ctx, entry.secretName, `${here}.secretName`, true);
    if (secret === undefined) return;
    if (typeof entry.certificate === 'string') {
      const pem = secretText(ctx, secret, entry.certificate, `${here}.certificate`);
      if (pem !== undefined) pems.push(pem);
    } else if (typeof entry.pattern === 'string') {
      const match = globMatcher(entry.pattern);
      const envPrefix = secretEnvName(secret, '');
      const fromEnv = Object.keys(ctx.opts.env).filter((k) => k.startsWith(envPrefix)).sort();
      if (ctx.secretsDir !== undefined) {
        const dir = path.join(ctx.secretsDir, secret);
        let names: string[] = [];
        try {
          names = fs.readdirSync(dir).filter((n) => !n.startsWith('..') && match(n)).sort();
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          problem(ctx, `${here}.pattern`, `cannot list ${dir} (Secret "${secret}"): ${code === 'ENOENT' ? 'no such directory' : (code ?? String(e))}`);
          return;
        }
        if (names.length === 0) problem(ctx, `${here}.pattern`, `no file in ${dir} matches "${entry.pattern}"`);
        for (const n of names) {
          const pem = secretText(ctx, secret, n, `${here}.pattern`);
          if (pem !== undefined) pems.push(pem);
        }
      } else if (fromEnv.length > 0) {
        for (const k of fromEnv) pems.push(ctx.opts.env[k] ?? '');
      } else {
        problem(ctx, `${here}.pattern`, `needs the certificates of Secret "${secret}" matching "${entry.pattern}": mount the Secret under a secrets directory (DIR/${secret}/<file>), or set ${envPrefix}<KEY> for each`);
      }
    } else {
      problem(ctx, here, 'set certificate (a key of the Secret) or pattern (e.g. "*.crt")');
    }
  });
  return pems.length > 0 ? pems.join('\n') : undefined;
}

/** PEM from a Secret key: inline from the environment, else a file that resolve.ts reads. */
function pemRef(ctx: Ctx, secret: string, key: string, at: string): { inline?: string; file?: FileRef } | undefined {
  const src = secretSource(ctx, secret, key, at);
  if (!src) return undefined;
  if ('env' in src) {
    const v = ctx.opts.env[src.env] ?? '';
    if (v === '') {
      problem(ctx, at, `environment variable ${src.env} is empty`);
      return undefined;
    }
    return { inline: v };
  }
  return { file: { path: src.file, where: { file: ctx.file, path: at } } };
}

function clusterDraft(ctx: Ctx, spec: unknown, at: string): ClusterDraft | undefined {
  if (!isObj(spec)) {
    problem(ctx, at, 'expected a cluster specification (alias, bootstrapServers, ...)');
    return undefined;
  }
  const alias = str(ctx, spec.alias, `${at}.alias`, true);
  const bs = str(ctx, spec.bootstrapServers, `${at}.bootstrapServers`, true);
  if (alias === undefined || bs === undefined) return undefined;
  if (!/^[A-Za-z0-9._-]+$/.test(alias)) {
    problem(ctx, `${at}.alias`, 'an alias may hold letters, digits, ".", "_" and "-" (it prefixes remote topic names)');
    return undefined;
  }
  const where: Where = { file: ctx.file, path: at };
  const draft: ClusterDraft = { alias, where, bootstrapServers: configDefList(bs).filter((s) => s !== '') };
  if (spec.tls !== undefined && spec.tls !== null) {
    if (!isObj(spec.tls)) {
      problem(ctx, `${at}.tls`, 'expected a mapping (trustedCertificates)');
    } else {
      const tls: TlsDraft = { rejectUnauthorized: true };
      const ca = trustedCertificates(ctx, spec.tls.trustedCertificates, `${at}.tls.trustedCertificates`);
      if (ca !== undefined) tls.ca = ca;
      draft.tls = tls;
    }
  }
  const config = isObj(spec.config) ? spec.config : {};
  if (config['ssl.endpoint.identification.algorithm'] === '' && draft.tls) {
    ctx.warnings.push({
      file: ctx.file,
      key: `${at}.config.ssl.endpoint.identification.algorithm`,
      message: `cluster ${alias}: host name verification is off in the CR (ssl.endpoint.identification.algorithm is empty); mirrorwatch still verifies the host name, so give it a certificate valid for ${bs}`,
    });
  }
  const auth = spec.authentication;
  if (auth !== undefined && auth !== null) {
    const aat = `${at}.authentication`;
    if (!isObj(auth)) {
      problem(ctx, aat, 'expected a mapping with type');
    } else {
      const type = auth.type;
      if (type === 'tls') {
        const ck = auth.certificateAndKey;
        if (!isObj(ck)) problem(ctx, `${aat}.certificateAndKey`, 'required for type tls: secretName, certificate and key');
        else {
          const secret = str(ctx, ck.secretName, `${aat}.certificateAndKey.secretName`, true);
          const certKey = str(ctx, ck.certificate, `${aat}.certificateAndKey.certificate`, true);
          const keyKey = str(ctx, ck.key, `${aat}.certificateAndKey.key`, true);
          if (secret !== undefined && certKey !== undefined && keyKey !== undefined) {
            const tls: TlsDraft = draft.tls ?? { rejectUnauthorized: true };
            const cert = pemRef(ctx, secret, certKey, `${aat}.certificateAndKey.certificate`);
            const key = pemRef(ctx, secret, keyKey, `${aat}.certificateAndKey.key`);
            if (cert?.inline !== undefined) tls.cert = cert.inline;
            if (cert?.file) tls.certFile = cert.file;
            if (key?.inline !== undefined) tls.key = key.inline;
            if (key?.file) tls.keyFile = key.file;
            draft.tls = tls;
          }
        }
      } else if (type === 'scram-sha-256' || type === 'scram-sha-512' || type === 'plain') {
        const username = str(ctx, auth.username, `${aat}.username`, true);
        const ps = auth.passwordSecret;
        if (!isObj(ps)) problem(ctx, `${aat}.passwordSecret`, 'required: secretName and password (the key holding the password)');
        else {
          const secret = str(ctx, ps.secretName, `${aat}.passwordSecret.secretName`, true);
          const key = str(ctx, ps.password, `${aat}.passwordSecret.password`, true);
          if (username !== undefined && secret !== undefined && key !== undefined) {
            const src = secretSource(ctx, secret, key, `${aat}.passwordSecret`);
            const sasl: SaslDraft = { mechanism: type, username, where: { file: ctx.file, path: aat } };
            if (src && 'env' in src) sasl.passwordEnv = { name: src.env, where: { file: ctx.file, path: `${aat}.passwordSecret` } };
            if (src && 'file' in src) sasl.passwordFile = { path: src.file, where: { file: ctx.file, path: `${aat}.passwordSecret` } };
            if (src) draft.sasl = sasl;
          }
        }
      } else if (type === 'oauth') {
        oauthDraft(ctx, draft, auth, aat);
      } else {
        problem(ctx, `${aat}.type`, `authentication type "${String(type)}" is not supported by mirrorwatch (supported: tls, scram-sha-256, scram-sha-512, plain, oauth)`);
      }
    }
  }
  return draft;
}

interface Mirror {
  at: string;
  source: string;
  target: string;
  spec: Obj;
}

function connectorConfig(m: Mirror, which: 'sourceConnector' | 'checkpointConnector'): Obj | undefined {
  const c = m.spec[which];
  if (!isObj(c)) return undefined;
  return isObj(c.config) ? c.config : {};
}

/** A connector config value as text (the CR may hold numbers and booleans). */
function cfgText(cfg: Obj | undefined, key: string): string | undefined {
  const v = cfg?.[key];
  return v === undefined || v === null ? undefined : String(v);
}

function patternList(ctx: Ctx, m: Mirror, key: string): string[] | undefined {
  const v = m.spec[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') {
    problem(ctx, `${m.at}.${key}`, 'expected a string (a regular expression, or a comma-separated list of them)');
    return undefined;
  }
  const list = configDefList(v);
  // The same evaluator as for mm2.properties and YAML: what it cannot evaluate exactly as Java
  // does is refused, never approximated.
  const bad = filterListProblem(list, key.startsWith('groups') ? 'group' : 'topic', v);
  if (bad) problem(ctx, `${m.at}.${key}`, bad.message);
  return list;
}

function policyOf(ctx: Ctx, mirrors: Mirror[]): ReplicationPolicyConfig {
  // One policy for all flows, as mirrorwatch names remote topics with one policy.
  let chosen: { policy: ReplicationPolicyConfig; at: string } | undefined;
  for (const m of mirrors) {
    const cfg = connectorConfig(m, 'sourceConnector') ?? connectorConfig(m, 'checkpointConnector');
    const at = `${m.at}.sourceConnector.config`;
    const cls = cfgText(cfg, 'replication.policy.class')?.trim();
    let kind: ReplicationPolicyConfig['kind'] = 'default';
    if (cls !== undefined) {
      if (cls === DEFAULT_REPLICATION_POLICY_CLASS) kind = 'default';
      // Strimzi shipped its own identity policy before Kafka had one; it names topics the same way.
      else if (cls === IDENTITY_REPLICATION_POLICY_CLASS || cls === 'io.strimzi.kafka.connect.mirror.IdentityReplicationPolicy') kind = 'identity';
      else {
        problem(ctx, `${at}.replication.policy.class`, `"${cls}" is not supported: mirrorwatch knows ${DEFAULT_REPLICATION_POLICY_CLASS} and ${IDENTITY_REPLICATION_POLICY_CLASS}`);
      }
    }
    const policy: ReplicationPolicyConfig = { kind, separator: cfgText(cfg, 'replication.policy.separator') ?? DEFAULTS.replicationSeparator };
    const internal = cfgText(cfg, 'replication.policy.internal.topic.separator.enabled');
    if (internal !== undefined) {
      const b = configDefBoolean(internal);
      if (b === 'invalid') problem(ctx, `${at}.replication.policy.internal.topic.separator.enabled`, `"${internal}" is not a valid boolean (Kafka accepts only true or false)`);
      else policy.internalTopicSeparatorEnabled = b;
    }
    if (!chosen) chosen = { policy, at };
    else if (JSON.stringify(chosen.policy) !== JSON.stringify(policy)) {
      ctx.warnings.push({
        file: ctx.file,
        key: at,
        message: `the replication policy of ${m.source}->${m.target} differs from ${chosen.at}; mirrorwatch uses one policy for every flow (the first), so remote topic names of ${m.source}->${m.target} may be wrong`,
      });
    }
  }
  return chosen?.policy ?? { kind: 'default', separator: DEFAULTS.replicationSeparator };
}

function flowDraft(ctx: Ctx, m: Mirror, offsetsTopic: string): FlowDraft | undefined {
  const name = `${m.source}->${m.target}`;
  const source = connectorConfig(m, 'sourceConnector');
  if (!source) {
    ctx.warnings.push({ file: ctx.file, key: `${m.at}.sourceConnector`, message: `mirror ${name} has no sourceConnector: it replicates nothing, mirrorwatch does not watch it` });
    return undefined;
  }
  const state = isObj(m.spec.sourceConnector) ? (m.spec.sourceConnector as Obj).state ?? ((m.spec.sourceConnector as Obj).pause === true ? 'paused' : undefined) : undefined;
  if (state === 'paused' || state === 'stopped') {
    ctx.warnings.push({ file: ctx.file, key: `${m.at}.sourceConnector`, message: `the source connector of ${name} is ${String(state)}: expect its lag to grow` });
  }
  const checkpoint = connectorConfig(m, 'checkpointConnector');
  const locOf = (cfg: Obj | undefined, at: string): 'source' | 'target' | undefined => {
    const v = cfgText(cfg, 'offset-syncs.topic.location')?.trim();
    if (v === undefined) return undefined;
    if (v === 'source' || v === 'target') return v;
    problem(ctx, `${at}.config.offset-syncs.topic.location`, `"${v}" is neither "source" nor "target"`);
    return undefined;
  };
  const loc = locOf(source, `${m.at}.sourceConnector`) ?? 'source';
  const cpLoc = checkpoint ? (locOf(checkpoint, `${m.at}.checkpointConnector`) ?? 'source') : loc;
  if (checkpoint && cpLoc !== loc) {
    ctx.warnings.push({
      file: ctx.file,
      key: `${m.at}.checkpointConnector.config.offset-syncs.topic.location`,
      message: `the checkpoint connector of ${name} reads offset syncs on the ${cpLoc} while the source connector writes them on the ${loc}: its checkpoints will not advance; mirrorwatch reads them where the source connector writes them`,
    });
  }
  const topics = patternList(ctx, m, 'topicsPattern') ?? [...DEFAULTS.topics];
  const exclude = patternList(ctx, m, 'topicsExcludePattern') ?? patternList(ctx, m, 'topicsBlacklistPattern') ?? topicsExcludeDefault(ctx.mm2Version);
  patternList(ctx, m, 'groupsPattern');
  patternList(ctx, m, 'groupsExcludePattern');
  // S.heartbeats reaches T when the source connector copies S's `heartbeats`: always with
  // heartbeats.replication.enabled (default true), else only when the topic filter matches it.
  const hbrText = cfgText(source, 'heartbeats.replication.enabled');
  const hbr = hbrText === undefined ? true : configDefBoolean(hbrText);
  if (hbr === 'invalid') problem(ctx, `${m.at}.sourceConnector.config.heartbeats.replication.enabled`, `"${hbrText}" is not a valid boolean (Kafka accepts only true or false)`);
  const include = wholeNameMatcher(topics);
  const excl = wholeNameMatcher(exclude);
  const copies = hbr === true || (include !== null && excl !== null && include('heartbeats') && !excl('heartbeats'));
  if (isObj(m.spec.heartbeatConnector)) {
    ctx.warnings.push({
      file: ctx.file,
      key: `${m.at}.heartbeatConnector`,
      message: `the heartbeat connector of ${name} writes into ${m.target}'s own heartbeats topic, which proves only that the Connect cluster runs; the end-to-end signal ${m.source}.heartbeats on ${m.target} needs heartbeats emitted into ${m.source} (a heartbeat connector on a Connect cluster attached to ${m.source}). mirrorwatch expects heartbeats for ${name} once that topic exists on ${m.target}`,
    });
  }
  const flow: FlowDraft = {
    source: m.source,
    target: m.target,
    where: { file: ctx.file, path: m.at },
    topics,
    topicsExclude: exclude,
    heartbeatsExpected: copies,
    offsetSyncsTopicLocation: loc,
    connectOffsetsTopic: offsetsTopic,
    sourceConnectorName: `${name}.MirrorSourceConnector`,
  };
  if (copies) flow.heartbeatsAuto = true;
  return flow;
}

export function importStrimziMirrorMaker2(doc: unknown, file: string, opts: StrimziOptions): Mm2Import {
  const ctx: Ctx = { file, opts, secretsDir: opts.secretsDir ?? opts.env.MIRRORWATCH_SECRETS_DIR, problems: [], warnings: [] };
  const result = emptyMm2Import(file, ctx.warnings, ctx.problems);
  if (!isObj(doc)) {
    problem(ctx, '', 'expected a KafkaMirrorMaker2 resource');
    return result;
  }
  const api = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const [group, version] = api.split('/');
  if (group !== API_GROUP || version === undefined || !VERSIONS.includes(version)) {
    problem(ctx, 'apiVersion', `"${api}" is not supported: expected ${VERSIONS.map((v) => `${API_GROUP}/${v}`).join(' or ')}`);
    return result;
  }
  const spec = doc.spec;
  if (!isObj(spec)) {
    problem(ctx, 'spec', 'required: the KafkaMirrorMaker2 specification');
    return result;
  }
  ctx.mm2Version = (typeof spec.version === 'string' && /^\d/.test(spec.version)) || typeof spec.version === 'number' ? String(spec.version) : ctx.opts.mm2Version;
  const newLayout = spec.target !== undefined;
  const oldFields = (['connectCluster', 'clusters'] as const).filter((k) => spec[k] !== undefined);
  if (version === 'v1' && !newLayout) {
    problem(ctx, 'spec.target', `required in ${api}: the target (and Connect) cluster${oldFields.length ? `; ${oldFields.map((k) => `spec.${k}`).join(' and ')} ${oldFields.length === 1 ? 'is' : 'are'} not part of ${api}` : ''}`);
    return result;
  }
  if (newLayout && oldFields.length > 0) {
    problem(ctx, `spec.${oldFields[0]}`, 'cannot be combined with spec.target: use either spec.target with mirrors[].source, or spec.connectCluster with spec.clusters (Strimzi refuses a mix)');
    return result;
  }
  if (!Array.isArray(spec.mirrors) || spec.mirrors.length === 0) {
    problem(ctx, 'spec.mirrors', 'required: at least one mirror');
    return result;
  }

  const clusters = new Map<string, ClusterDraft>();
  const addCluster = (d: ClusterDraft | undefined, at: string): void => {
    if (!d) return;
    const prev = clusters.get(d.alias);
    if (prev && JSON.stringify(prev.bootstrapServers) !== JSON.stringify(d.bootstrapServers)) {
      problem(ctx, `${at}.alias`, `cluster "${d.alias}" is defined twice with different bootstrapServers (also ${prev.where.path})`);
      return;
    }
    if (!prev) clusters.set(d.alias, d);
  };
  const mirrors: Mirror[] = [];
  let targetAlias: string | undefined;
  let offsetsTopic = STRIMZI_DEFAULT_OFFSETS_TOPIC;

  if (newLayout) {
    const target = clusterDraft(ctx, spec.target, 'spec.target');
    addCluster(target, 'spec.target');
    targetAlias = target?.alias;
    const t = spec.target as Obj;
    const cfg = isObj(t.config) ? t.config : {};
    const topic = t.offsetStorageTopic ?? cfg['offset.storage.topic'];
    if (topic === undefined && version === 'v1') problem(ctx, 'spec.target.offsetStorageTopic', `required in ${api}`);
    if (typeof topic === 'string' && topic.trim() !== '') offsetsTopic = topic.trim();
    spec.mirrors.forEach((m, i) => {
      const at = `spec.mirrors[${i}]`;
      if (!isObj(m)) return problem(ctx, at, 'expected a mirror specification');
      for (const k of ['sourceCluster', 'targetCluster'] as const) {
        if (m[k] !== undefined) problem(ctx, `${at}.${k}`, `not part of the spec.target layout${version === 'v1' ? ` (${api})` : ''}: use ${at}.source`);
      }
      // Deprecated in v1beta2 (a warning below says what it proves), gone from v1.
      if (m.heartbeatConnector !== undefined && version === 'v1') {
        problem(ctx, `${at}.heartbeatConnector`, `not part of ${api}: deploy a heartbeat connector separately, on a Connect cluster attached to the source`);
      }
      const src = clusterDraft(ctx, m.source, `${at}.source`);
      addCluster(src, `${at}.source`);
      if (src && targetAlias !== undefined) mirrors.push({ at, source: src.alias, target: targetAlias, spec: m });
    });
  } else {
    const connect = str(ctx, spec.connectCluster, 'spec.connectCluster', true);
    if (!Array.isArray(spec.clusters) || spec.clusters.length === 0) {
      problem(ctx, 'spec.clusters', 'required: the Kafka clusters (alias, bootstrapServers)');
      return result;
    }
    spec.clusters.forEach((c, i) => addCluster(clusterDraft(ctx, c, `spec.clusters[${i}]`), `spec.clusters[${i}]`));
    targetAlias = connect;
    if (connect !== undefined) {
      const i = spec.clusters.findIndex((c) => isObj(c) && c.alias === connect);
      if (i < 0) problem(ctx, 'spec.connectCluster', `"${connect}" is not an alias in spec.clusters`);
      else {
        const cfg = (spec.clusters[i] as Obj).config;
        const topic = isObj(cfg) ? cfg['offset.storage.topic'] : undefined;
        if (typeof topic === 'string' && topic.trim() !== '') offsetsTopic = topic.trim();
      }
    }
    spec.mirrors.forEach((m, i) => {
      const at = `spec.mirrors[${i}]`;
      if (!isObj(m)) return problem(ctx, at, 'expected a mirror specification');
      if (m.source !== undefined) problem(ctx, `${at}.source`, 'belongs to the spec.target layout: use sourceCluster with spec.clusters, or move to spec.target');
      const source = str(ctx, m.sourceCluster, `${at}.sourceCluster`, true);
      const target = str(ctx, m.targetCluster, `${at}.targetCluster`, true);
      if (source === undefined || target === undefined) return;
      // Against every alias written, so a cluster refused for another reason is not reported twice.
      const declared = (spec.clusters as unknown[]).flatMap((c) => (isObj(c) && typeof c.alias === 'string' ? [c.alias] : []));
      let known = true;
      for (const [k, alias] of [['sourceCluster', source], ['targetCluster', target]] as const) {
        if (!declared.includes(alias)) {
          known = false;
          problem(ctx, `${at}.${k}`, `"${alias}" is not an alias in spec.clusters (${declared.join(', ')})`);
        }
      }
      if (!known) return;
      if (connect !== undefined && target !== connect) {
        problem(ctx, `${at}.targetCluster`, `"${target}" is not the connectCluster "${connect}": Strimzi runs every mirror's connectors on the Connect cluster, which must be the target`);
        return;
      }
      if (source === target) return problem(ctx, at, `source and target are the same cluster "${source}"`);
      mirrors.push({ at, source, target, spec: m });
    });
  }

  const seen = new Map<string, string>();
  for (const m of mirrors) {
    const name = `${m.source}->${m.target}`;
    const prev = seen.get(name);
    if (prev) {
      problem(ctx, m.at, `duplicate mirror ${name} (also ${prev})`);
      continue;
    }
    seen.set(name, m.at);
    const f = flowDraft(ctx, m, offsetsTopic);
    if (f) result.flows.push(f);
  }
  result.replicationPolicy = policyOf(ctx, mirrors);
  result.clusters = [...clusters.values()];
  if (result.flows.length === 0 && ctx.problems.length === 0) problem(ctx, 'spec.mirrors', 'no mirror with a sourceConnector: nothing to watch');
  return result;
}

/** Strimzi `type: oauth` with the client credentials grant (tokenEndpointUri, clientId, clientSecret). */
function oauthDraft(ctx: Ctx, draft: ClusterDraft, auth: Record<string, unknown>, aat: string): void {
  for (const other of ['accessToken', 'refreshToken', 'passwordSecret', 'clientAssertion', 'clientAssertionLocation', 'accessTokenLocation']) {
    if (auth[other] !== undefined) {
      problem(ctx, `${aat}.${other}`, `OAuth with ${other} is not supported by mirrorwatch: it uses the client credentials grant (tokenEndpointUri, clientId, clientSecret)`);
      return;
    }
  }
  const endpoint = str(ctx, auth.tokenEndpointUri, `${aat}.tokenEndpointUri`, true);
  const clientId = str(ctx, auth.clientId, `${aat}.clientId`, true);
  const cs = auth.clientSecret;
  if (!isObj(cs)) {
    problem(ctx, `${aat}.clientSecret`, 'required: secretName and key (the key holding the client secret)');
    return;
  }
  const secret = str(ctx, cs.secretName, `${aat}.clientSecret.secretName`, true);
  const key = str(ctx, cs.key, `${aat}.clientSecret.key`, true);
  if (endpoint === undefined || clientId === undefined || secret === undefined || key === undefined) return;
  if (!/^https?:\/\//i.test(endpoint)) {
    problem(ctx, `${aat}.tokenEndpointUri`, 'expected an http:// or https:// URL');
    return;
  }
  const src = secretSource(ctx, secret, key, `${aat}.clientSecret`);
  if (!src) return;
  const where: Where = { file: ctx.file, path: `${aat}.clientSecret` };
  const oauth: OAuthDraft = { tokenEndpointUrl: endpoint, clientId, clientSecret: 'env' in src ? { env: src.env, where } : { file: src.file, where } };
  const scope = auth.scope;
  if (typeof scope === 'string' && scope !== '') oauth.scope = scope;
  draft.sasl = { mechanism: 'oauthbearer', oauth, where: { file: ctx.file, path: aat } };
}
