// AWS MSK IAM (issue 12 point 3) through AWS's own signer, aws-msk-iam-sasl-signer-js, with no
// AWS here: static credentials from the environment or a shared credentials file. The token the
// kafkajs OAUTHBEARER provider hands out must be the base64url of a SigV4-presigned
// `kafka-cluster:Connect` URL for the cluster's region, and its signature must verify when
// recomputed here from the secret key (independently of the library).
import { createHash, createHmac } from 'node:crypto';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClusterConfig, MskIamConfig } from '../../../src/core/types.js';
import { bearerTokens, toKafkajsSasl } from '../../../src/kafka/clientOptions.js';
import { mskIamFetcher } from '../../../src/kafka/mskIam.js';
import { captureLogger } from '../metrics/log-capture.js';
import { tempFiles } from '../config/helpers.js';

const ACCESS_KEY = 'AKIAIOSFODNN7EXAMPLE';
const SECRET_KEY = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const AWS_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE', 'AWS_SHARED_CREDENTIALS_FILE', 'AWS_CONFIG_FILE', 'AWS_EC2_METADATA_DISABLED'];
let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(AWS_VARS.map((k) => [k, process.env[k]]));
  for (const k of AWS_VARS) delete process.env[k];
  // Nothing may wander off to an instance metadata service.
  process.env.AWS_EC2_METADATA_DISABLED = 'true';
});
afterEach(() => {
  for (const k of AWS_VARS) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

const rfc3986 = (s: string): string => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** SigV4 query-string signature of `url`, recomputed from the secret key. */
function expectedSignature(url: URL, secretKey: string, region: string): string {
  const params = [...url.searchParams.entries()]
    // The signer adds User-Agent after signing.
    .filter(([k]) => k !== 'X-Amz-Signature' && k !== 'User-Agent')
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([k, v]) => `${rfc3986(k)}=${rfc3986(v)}`)
    .join('&');
  const canonical = ['GET', '/', params, `host:${url.host}\n`, 'host', createHash('sha256').update('').digest('hex')].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = `${date.slice(0, 8)}/${region}/kafka-cluster/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonical).digest('hex')].join('\n');
  let key: Buffer = createHmac('sha256', `AWS4${secretKey}`).update(date.slice(0, 8)).digest();
  for (const part of [region, 'kafka-cluster', 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(toSign).digest('hex');
}

function decode(token: string): URL {
  expect(token).toMatch(/^[A-Za-z0-9_-]+$/);
  return new URL(Buffer.from(token, 'base64url').toString('utf8'));
}

describe('AWS MSK IAM tokens from the signer library', () => {
  it('with credentials from the environment: a presigned kafka-cluster:Connect URL for the region, valid 15 minutes', async () => {
    process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = SECRET_KEY;
    const before = Date.now();
    const t = await mskIamFetcher({ mechanism: 'aws-msk-iam', region: 'eu-central-1' })(new AbortController().signal);
    const url = decode(t.value);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('kafka.eu-central-1.amazonaws.com');
    expect(url.searchParams.get('Action')).toBe('kafka-cluster:Connect');
    expect(url.searchParams.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(url.searchParams.get('X-Amz-SignedHeaders')).toBe('host');
    expect(url.searchParams.get('X-Amz-Expires')).toBe('900');
    const date = url.searchParams.get('X-Amz-Date')!;
    expect(url.searchParams.get('X-Amz-Credential')).toBe(`${ACCESS_KEY}/${date.slice(0, 8)}/eu-central-1/kafka-cluster/aws4_request`);
    expect(url.searchParams.get('User-Agent')).toMatch(/^aws-msk-iam-sasl-signer-js\//);
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, SECRET_KEY, 'eu-central-1'));
    // Signed for another region or with another key, the signature would differ.
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(expectedSignature(url, SECRET_KEY, 'us-east-1'));
    expect(url.searchParams.get('X-Amz-Signature')).not.toBe(expectedSignature(url, `${SECRET_KEY}x`, 'eu-central-1'));
    expect(t.expiresAtMs).toBeGreaterThanOrEqual(before - 1_000 + 900_000);
    expect(t.expiresAtMs).toBeLessThanOrEqual(Date.now() + 900_000);
    // Nothing of the secret key travels in the token.
    expect(url.toString()).not.toContain(SECRET_KEY);
  });

  it('with a named profile of a shared credentials file, carrying its session token', async () => {
    const dir = tempFiles({ credentials: `[mirror]\naws_access_key_id = AKIDPROFILE\naws_secret_access_key = ${SECRET_KEY}\naws_session_token = SessionTok\n`, config: '' });
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(dir, 'credentials');
    process.env.AWS_CONFIG_FILE = path.join(dir, 'config');
    const t = await mskIamFetcher({ mechanism: 'aws-msk-iam', region: 'us-west-2', profile: 'mirror' })(new AbortController().signal);
    const url = decode(t.value);
    expect(url.host).toBe('kafka.us-west-2.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^AKIDPROFILE\/\d{8}\/us-west-2\/kafka-cluster\/aws4_request$/);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('SessionTok');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, SECRET_KEY, 'us-west-2'));
  });

  it('hands the token to kafkajs as an OAUTHBEARER token, and says when there are no credentials', async () => {
    process.env.AWS_ACCESS_KEY_ID = ACCESS_KEY;
    process.env.AWS_SECRET_ACCESS_KEY = SECRET_KEY;
    const sasl: MskIamConfig = { mechanism: 'aws-msk-iam', region: 'ap-south-1' };
    const cluster: ClusterConfig = { alias: 'msk', bootstrapServers: ['b-1.x.kafka.ap-south-1.amazonaws.com:9098'], clientId: 'mirrorwatch', connectionTimeoutMs: 1_000, requestTimeoutMs: 1_000, sasl };
    const log = captureLogger('debug');
    const tokens = bearerTokens(cluster, log.logger)!;
    try {
      const kafkajs = toKafkajsSasl(cluster, tokens);
      expect(kafkajs?.mechanism).toBe('oauthbearer');
      const provided = await (kafkajs as { oauthBearerProvider: () => Promise<{ value: string }> }).oauthBearerProvider();
      expect(decode(provided.value).host).toBe('kafka.ap-south-1.amazonaws.com');
    } finally {
      tokens.close();
    }
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    process.env.AWS_SHARED_CREDENTIALS_FILE = path.join(tempFiles({ empty: '' }), 'empty');
    process.env.AWS_CONFIG_FILE = process.env.AWS_SHARED_CREDENTIALS_FILE;
    await expect(mskIamFetcher({ mechanism: 'aws-msk-iam', region: 'ap-south-1', profile: 'missing' })(new AbortController().signal)).rejects.toThrow(/^has no AWS credentials to sign with \(/);
  });
});
