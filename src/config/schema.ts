// The YAML configuration file, validated with zod. Strict: an unknown key is an error, because a
// misspelt option that is silently ignored is worse than a refusal to start.
import { z } from 'zod';
import { parseDuration } from './duration.js';
import { editDistance } from './editDistance.js';
import { basicAuthUsersSchema, httpTlsSchema } from './httpProtection.js';
import type { ConfigProblem } from './problems.js';
import { formatPath } from './problems.js';
import { splitConfigDefList } from '../core/javaRegex.js';
import { filterListProblem, yamlEntryCommaProblem } from './regex.js';
import { checkSecret, secretShape, storeTypeSchema } from './secrets.js';

const DURATION_HINT = 'use e.g. "500ms", "10s", "2m", "1h" or a number of milliseconds';

/** Milliseconds, from a number or text like "10s". */
const duration = z
  .union([z.number(), z.string()], { error: `expected a duration: ${DURATION_HINT}` })
  .transform((v, ctx) => {
    const ms = parseDuration(v);
    if (ms === null || ms <= 0) {
      ctx.issues.push({
        code: 'custom',
        input: v,
        message: `${typeof v === 'string' ? `"${v}"` : v} is not a positive duration: ${DURATION_HINT}`,
      });
      return z.NEVER;
    }
    return ms;
  });

/** A YAML list of strings, or one comma-separated string (split like MM2 lists). */
function stringList(what: string) {
  return z
    .union([z.string(), z.array(z.string({ error: `each entry must be a string (${what})` }))], {
      error: `expected a list of ${what} or one comma-separated string`,
    })
    .transform((v) => (typeof v === 'string' ? v.split(',') : v).map((s) => s.trim()).filter((s) => s !== ''));
}

/**
 * Topic filters: a YAML list of Java regexes, or one string split like MM2's list settings. The
 * list is evaluated as MM2 does (one pattern, entries joined with "|", whole-name match).
 */
const regexList = z
  .union([z.string(), z.array(z.string({ error: 'each entry must be a string (regular expressions)' }))], {
    error: 'expected a list of regular expressions or one comma-separated string',
  })
  .transform((v, ctx) => {
    const list = (typeof v === 'string' ? splitConfigDefList(v) : v.map((s) => s.trim())).filter((s) => s !== '');
    const issue = (i: number, message: string): void => {
      ctx.issues.push({ code: 'custom', input: v, path: [i], message });
    };
    if (Array.isArray(v)) {
      list.forEach((p, i) => {
        const comma = yamlEntryCommaProblem(p);
        if (comma) issue(i, comma);
      });
    }
    const problem = filterListProblem(list, 'topic', typeof v === 'string' ? v : undefined);
    if (problem) issue(problem.entry, problem.message);
    return list;
  });

const HOST_PORT = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]+):(\d{1,5})$/;

const bootstrapServers = stringList('host:port strings').superRefine((list, ctx) => {
  if (list.length === 0) ctx.addIssue({ code: 'custom', message: 'must name at least one broker as host:port' });
  list.forEach((s, i) => {
    const m = HOST_PORT.exec(s);
    const port = m ? Number(m[2]) : NaN;
    if (!m || port < 1 || port > 65535) {
      ctx.addIssue({ code: 'custom', path: [i], message: `"${s}" is not host:port (port 1-65535)` });
    }
  });
});

const tlsObject = z
  .strictObject({
    caFile: z.string().min(1).optional(),
    certFile: z.string().min(1).optional(),
    keyFile: z.string().min(1).optional(),
    keystoreFile: z.string().min(1).optional(),
    keystoreType: storeTypeSchema.optional(),
    ...secretShape('keystorePassword'),
    ...secretShape('keyPassword'),
    truststoreFile: z.string().min(1).optional(),
    truststoreType: storeTypeSchema.optional(),
    ...secretShape('truststorePassword'),
    rejectUnauthorized: z.boolean().optional(),
    servername: z.string().min(1).optional(),
  })
  .superRefine((t, ctx) => {
    for (const name of ['keystorePassword', 'keyPassword', 'truststorePassword']) checkSecret(t, name, ctx);
    if (t.keystoreFile !== undefined && (t.certFile !== undefined || t.keyFile !== undefined)) {
      ctx.addIssue({ code: 'custom', path: ['keystoreFile'], message: 'set either keystoreFile or certFile and keyFile, not both' });
    }
    if (t.truststoreFile !== undefined && t.caFile !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['truststoreFile'], message: 'set either truststoreFile or caFile, not both' });
    }
    const orphan = (key: string, needs: string): void => {
      if ((t as Record<string, unknown>)[key] !== undefined && (t as Record<string, unknown>)[needs] === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: `${key} needs ${needs}` });
      }
    };
    for (const k of ['keystoreType', 'keystorePassword', 'keystorePasswordEnv', 'keystorePasswordFile']) orphan(k, 'keystoreFile');
    for (const k of ['truststoreType', 'truststorePassword', 'truststorePasswordEnv', 'truststorePasswordFile']) orphan(k, 'truststoreFile');
    const keyPasswordSet = t.keyPassword !== undefined || t.keyPasswordEnv !== undefined || t.keyPasswordFile !== undefined;
    if (keyPasswordSet && t.keystoreFile === undefined && t.keyFile === undefined) {
      ctx.addIssue({ code: 'custom', path: ['keyPassword'], message: 'keyPassword needs keystoreFile or keyFile (an encrypted private key)' });
    }
  });

const tls = z.union([z.boolean(), tlsObject], {
  error: 'expected true, false or an object with caFile, certFile, keyFile, keystoreFile, truststoreFile, rejectUnauthorized, servername',
});

const PASSWORD_MECHANISMS = ['plain', 'scram-sha-256', 'scram-sha-512'] as const;
const SASL_MECHANISMS = [...PASSWORD_MECHANISMS, 'oauthbearer', 'aws-msk-iam'] as const;
const OAUTH_KEYS = ['tokenEndpointUrl', 'clientId', 'clientSecret', 'clientSecretEnv', 'clientSecretFile', 'scope', 'extensions', 'headerUrlencode', 'refreshWindowFactor', 'retryBackoff', 'retryBackoffMax'] as const;
const IAM_KEYS = ['region', 'profile', 'roleArn', 'roleSessionName'] as const;
const PASSWORD_KEYS = ['username', 'password', 'passwordEnv', 'passwordFile'] as const;

const sasl = z
  .strictObject({
    mechanism: z.preprocess(
      (v) => (typeof v === 'string' ? v.toLowerCase() : v),
      z.enum(SASL_MECHANISMS, { error: `expected ${SASL_MECHANISMS.join(', ')}` }),
    ),
    username: z.string().min(1).optional(),
    ...secretShape('password'),
    /** oauthbearer: OIDC client credentials. */
    tokenEndpointUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
    clientId: z.string().min(1).optional(),
    ...secretShape('clientSecret'),
    scope: z.string().min(1).optional(),
    extensions: z.record(z.string().regex(/^[A-Za-z]+$/, { error: 'a SASL extension name holds letters only' }), z.string()).optional(),
    headerUrlencode: z.boolean().optional(),
    refreshWindowFactor: z.number().min(0.5).max(1, { error: 'must be 0.5-1.0 (Kafka\'s sasl.login.refresh.window.factor)' }).optional(),
    retryBackoff: duration.optional(),
    retryBackoffMax: duration.optional(),
    /** aws-msk-iam */
    region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, { error: 'expected an AWS region such as us-east-1' }).optional(),
    profile: z.string().min(1).optional(),
    roleArn: z.string().regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/, { error: 'expected an IAM role ARN (arn:aws:iam::<account>:role/<name>)' }).optional(),
    roleSessionName: z.string().min(1).optional(),
  })
  .superRefine((s, ctx) => {
    const o = s as Record<string, unknown>;
    const foreign = (keys: readonly string[], what: string): void => {
      for (const k of keys) if (o[k] !== undefined) ctx.addIssue({ code: 'custom', path: [k], message: `${k} is not a setting of ${s.mechanism} (it belongs to ${what})` });
    };
    const required = (k: string): void => {
      if (o[k] === undefined) ctx.addIssue({ code: 'custom', path: [k], message: `required for ${s.mechanism}` });
    };
    if ((PASSWORD_MECHANISMS as readonly string[]).includes(s.mechanism)) {
      required('username');
      checkSecret(o, 'password', ctx, true);
      foreign(OAUTH_KEYS, 'oauthbearer');
      foreign(IAM_KEYS, 'aws-msk-iam');
    } else if (s.mechanism === 'oauthbearer') {
      required('tokenEndpointUrl');
      required('clientId');
      checkSecret(o, 'clientSecret', ctx, true);
      foreign(PASSWORD_KEYS, 'plain and scram');
      foreign(IAM_KEYS, 'aws-msk-iam');
    } else {
      if (s.roleSessionName !== undefined && s.roleArn === undefined) ctx.addIssue({ code: 'custom', path: ['roleSessionName'], message: 'roleSessionName needs roleArn' });
      if (s.roleArn !== undefined && s.profile !== undefined) ctx.addIssue({ code: 'custom', path: ['profile'], message: 'set either profile or roleArn, not both' });
      foreign(PASSWORD_KEYS, 'plain and scram');
      foreign(OAUTH_KEYS, 'oauthbearer');
    }
  });

export const ALIAS = /^[A-Za-z0-9._-]+$/;

const cluster = z.strictObject({
  alias: z
    .string()
    .regex(ALIAS, { error: 'an alias may hold letters, digits, ".", "_" and "-" (it prefixes remote topic names)' }),
  /** Optional only when mm2Properties provides it. */
  bootstrapServers: bootstrapServers.optional(),
  clientId: z.string().min(1).optional(),
  connectionTimeout: duration.optional(),
  requestTimeout: duration.optional(),
  tls: tls.optional(),
  sasl: sasl.optional(),
});

const flow = z.strictObject({
  source: z.string().min(1),
  target: z.string().min(1),
  topics: regexList.optional(),
  topicsExclude: regexList.optional(),
  heartbeats: z.union([z.literal('auto'), z.boolean()], { error: 'expected "auto", true or false' }).optional(),
  offsetSyncsTopicLocation: z.enum(['source', 'target'], { error: 'expected "source" or "target"' }).optional(),
  groups: stringList('consumer group ids').optional(),
  maxLagRecords: z.number().int().nonnegative().optional(),
  maxHeartbeatAge: duration.optional(),
  /** Checkpoints older than this count as stale for failover. */
  maxCheckpointAge: duration.optional(),
  /** Connect mode: the worker's `offset.storage.topic` on the target. */
  connectOffsetsTopic: z.string().min(1).regex(/^[A-Za-z0-9._-]+$/, { error: 'a topic name holds letters, digits, ".", "_" and "-"' }).optional(),
  /** Connect mode: the MirrorSourceConnector's REST name, when several share the offsets topic. */
  sourceConnectorName: z.string().min(1).optional(),
});

const MAX_PARTITION_ID = 1_000_000;

/** Partition ids from 3, "3", "0-1", "0-1,4" or [0, 1, 4]; each id once, sorted. */
const partitionSet = z
  .union([z.number(), z.string(), z.array(z.number())], { error: 'expected partition ids: a number, a list of numbers, or text like "0-1" or "0-1,4"' })
  .transform((v, ctx) => {
    const ids = new Set<number>();
    const bad = (message: string): typeof z.NEVER => {
      ctx.issues.push({ code: 'custom', input: v, message });
      return z.NEVER;
    };
    const add = (lo: number, hi: number, text: string): boolean => {
      if (!Number.isSafeInteger(lo) || !Number.isSafeInteger(hi) || lo < 0 || hi > MAX_PARTITION_ID || lo > hi) return false;
      for (let p = lo; p <= hi; p++) ids.add(p);
      return text !== '';
    };
    const parts = typeof v === 'string' ? v.split(',').map((x) => x.trim()) : Array.isArray(v) ? v.map(String) : [String(v)];
    for (const part of parts) {
      const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(part);
      if (!m || !add(Number(m[1]), Number(m[2] ?? m[1]), part)) {
        return bad(`"${part}" is not a partition id or range (write e.g. 0, "0-1" or "0-1,4"; ranges go low to high)`);
      }
    }
    return [...ids].sort((a, b) => a - b);
  });

const region = z.strictObject({
  /** Source topic name, exactly. */
  topic: z.string().min(1),
  partitions: partitionSet,
  region: z.string().min(1),
});

export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const;

export const configSchema = z.strictObject({
  mm2Properties: z.string().min(1).optional(),
  /** Kafka version of the MirrorMaker 2 that runs the flows: MM2's default topics.exclude changed in 4.0. */
  /** Kafka version of the MirrorMaker 2 that runs the flows: MM2's default topics.exclude changed in 4.0. */
  mm2Version: z
    .union(
      [
        z.string().regex(/^\d+(\.\d+){0,2}$/, { error: 'expected a Kafka version such as "3.9" or "4.1"' }),
        // Only the major version matters, so an unquoted 3.10 (the number 3.1) still says 3.
        z.number().nonnegative().transform(String),
      ],
      { error: 'expected a Kafka version such as "3.9" or "4.1"' },
    )
    .optional(),
  clusters: z.array(cluster).optional(),
  flows: z.array(flow).optional(),
  replicationPolicy: z
    .strictObject({
      class: z.enum(['default', 'identity'], { error: 'expected "default" or "identity"' }),
      separator: z.string().optional(),
      /** `replication.policy.internal.topic.separator.enabled` (default true). */
      internalTopicSeparatorEnabled: z.boolean().optional(),
    })
    .optional(),
  poll: z
    .strictObject({
      interval: duration.optional(),
      timeout: duration.optional(),
      /** Follow MM2's heartbeats and offset syncs between polls (long-poll fetches). */
      follow: z.boolean().optional(),
      /** How long one follow fetch may wait at the broker for new records. */
      followMaxWait: duration.optional(),
    })
    .optional(),
  /** Thresholds of the per-flow replication state (mm2_flow_state). */
  replicationState: z.strictObject({ silentAfter: duration.optional(), stalledAfter: duration.optional() }).optional(),
  http: z
    .strictObject({
      host: z.string().min(1).optional(),
      port: z.number().int().min(0, { error: 'must be 0-65535 (0 = any free port)' }).max(65535, { error: 'must be 0-65535 (0 = any free port)' }).optional(),
      tls: httpTlsSchema.optional(),
      basicAuthUsers: basicAuthUsersSchema.optional(),
    })
    .optional(),
  granularity: z.enum(['partition', 'topic'], { error: 'expected "partition" or "topic"' }).optional(),
  maxSeries: z.number().int().positive().optional(),
  logLevel: z.enum(LOG_LEVELS, { error: `expected one of ${LOG_LEVELS.join(', ')}` }).optional(),
  /** Geo-partitioning: which region each partition range of a topic carries (mm2_partition_region_info). */
  regions: z.array(region).optional(),
  /** This instance's share of the work when several split it (docs/sharding.md). */
  shard: z
    .strictObject({
      index: z.number({ error: 'expected a whole number (0 for the first shard)' }),
      count: z.number({ error: 'expected a whole number of shards' }),
    })
    .superRefine((s, ctx) => {
      if (!Number.isSafeInteger(s.count) || s.count < 1) ctx.addIssue({ code: 'custom', path: ['count'], message: `must be a whole number of at least 1, got ${s.count}` });
      else if (!Number.isSafeInteger(s.index) || s.index < 0 || s.index >= s.count) {
        ctx.addIssue({ code: 'custom', path: ['index'], message: `must be a whole number from 0 to ${s.count - 1} (below shard.count ${s.count}), got ${s.index}` });
      }
      })
      .optional(),
  /** `flows: discover` only: how often the flows are looked for again (docs/discovery.md). */
  discovery: z.strictObject({ interval: duration.optional() }).optional(),
  /** Record-count audit (docs/audit.md). */
  audit: z
    .strictObject({
      enabled: z.boolean().optional(),
      bucket: duration.optional(),
      settle: duration.optional(),
      judgeAfter: duration.optional(),
      countMaxOffsets: z.number().int().positive().optional(),
    })
    .optional(),
});

export type YamlConfig = z.output<typeof configSchema>;
export type YamlCluster = NonNullable<YamlConfig['clusters']>[number];
export type YamlFlow = NonNullable<YamlConfig['flows']>[number];
export type YamlRegion = NonNullable<YamlConfig['regions']>[number];

function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return 'a string';
  return `a ${typeof v}`;
}

const KEY_HINTS: Record<string, string> = {
  password: 'passwords are not written in the file: use passwordEnv (name of an environment variable), passwordFile, or password with a config provider variable such as ${env:NAME}',
};

/** Turns zod issues into problems whose messages never echo a value of unknown sensitivity. */
export function schemaProblems(error: z.ZodError, file: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  for (const issue of error.issues) {
    const path = formatPath(issue.path);
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const k of issue.keys) {
          const full = path ? `${path}.${k}` : k;
          out.push({ file, path: full, message: KEY_HINTS[k] ?? `unknown key${suggest(k, issue.path)}` });
        }
        break;
      case 'invalid_type':
        out.push({
          file,
          path: path || undefined,
          message:
            issue.input === undefined
              ? 'required but missing'
              : `expected ${article(String(issue.expected))}, got ${describeType(issue.input)}`,
        });
        break;
      case 'invalid_union':
        out.push({
          file,
          path: path || undefined,
          message: issue.input === undefined ? 'required but missing' : `${issue.message}, got ${describeType(issue.input)}`,
        });
        break;
      default:
        out.push({ file, path: path || undefined, message: issue.message });
    }
  }
  return out;
}

function article(type: string): string {
  if (type === 'array') return 'a list';
  if (type === 'object') return 'a mapping';
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

type AnyDef = {
  type: string;
  shape?: Record<string, { _zod: { def: AnyDef } }>;
  element?: { _zod: { def: AnyDef } };
  innerType?: { _zod: { def: AnyDef } };
  in?: { _zod: { def: AnyDef } };
  options?: { _zod: { def: AnyDef } }[];
};

/** The keys the schema accepts for the mapping at `path` (array indexes skipped). */
function keysAt(path: readonly PropertyKey[]): string[] {
  let defs: AnyDef[] = [(configSchema as unknown as { _zod: { def: AnyDef } })._zod.def];
  const unwrap = (d: AnyDef): AnyDef[] => {
    if (d.innerType) return unwrap(d.innerType._zod.def);
    if (d.type === 'pipe' && d.in) return unwrap(d.in._zod.def);
    if (d.options) return d.options.flatMap((o) => unwrap(o._zod.def));
    return [d];
  };
  for (const part of path) {
    defs = defs.flatMap(unwrap);
    if (typeof part === 'number') defs = defs.flatMap((d) => (d.element ? [d.element._zod.def] : []));
    else defs = defs.flatMap((d) => (d.shape?.[String(part)] ? [d.shape[String(part)]!._zod.def] : []));
  }
  return defs.flatMap(unwrap).flatMap((d) => Object.keys(d.shape ?? {}));
}

/** ` (did you mean "x"?)` for a near miss among the keys valid at that level. */
function suggest(key: string, path: readonly PropertyKey[]): string {
  let best: string | undefined;
  let bestDist = Infinity;
  for (const k of keysAt(path)) {
    const d = editDistance(key.toLowerCase(), k.toLowerCase());
    if (d < bestDist) {
      bestDist = d;
      best = k;
    }
  }
  const known = keysAt(path);
  const lower = key.toLowerCase();
  const prefixed = lower.length >= 3 ? known.find((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase())) : undefined;
  if (bestDist > Math.max(2, Math.floor(key.length / 3))) best = prefixed;
  if (best !== undefined) return ` (did you mean "${best}"?)`;
  return known.length > 0 ? ` (expected one of: ${known.join(', ')})` : '';
}

