// One OAuth 2 client credentials request to an OIDC token endpoint, formed as Kafka's
// ClientSecretRequestFormatter forms it (HTTP Basic client authentication, `grant_type` and
// `scope` in a form body) and read as its JwtResponseParser reads the answer (`access_token`, else
// `id_token`). The expiry is the JWT's `exp` claim, else `expires_in`.
import type { OAuthBearerConfig } from '../core/types.js';
import { TokenRefusedError } from './bearerTokens.js';
import type { FetchedToken, TokenFetcher } from './bearerTokens.js';

export interface ClientCredentialsOptions {
  /** Connect plus read time allowed for one attempt. */
  timeoutMs: number;
  now?: () => number;
}

const MAX_ERROR_TEXT = 200;

/** The `exp` claim of a JWT in milliseconds, if it is one. */
export function jwtExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as { exp?: unknown };
    return typeof claims.exp === 'number' && Number.isFinite(claims.exp) ? claims.exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

function basicAuth(c: OAuthBearerConfig): string {
  const enc = (s: string): string => (c.headerUrlencode ? encodeURIComponent(s) : s);
  return `Basic ${Buffer.from(`${enc(c.clientId)}:${enc(c.clientSecret)}`, 'utf8').toString('base64')}`;
}

/** What an error answer says (`error`, `error_description`), trimmed, without the secret. */
function errorSummary(body: string, secret: string): string {
  let text = body.trim();
  try {
    const j = JSON.parse(text) as Record<string, unknown>;
    const parts = [j.error, j.error_description ?? j.errorSummary].filter((v): v is string => typeof v === 'string' && v !== '');
    if (parts.length > 0) text = parts.join(': ');
  } catch {
    // not JSON: the text itself
  }
  if (secret !== '') text = text.split(secret).join('[redacted]');
  text = text.replace(/\s+/g, ' ');
  return text.length > MAX_ERROR_TEXT ? `${text.slice(0, MAX_ERROR_TEXT)}…` : text || '(empty answer)';
}

function networkReason(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError') return 'did not answer in time';
  const cause = err.cause;
  if (cause?.code) return `cannot be reached (${cause.code})`;
  return `cannot be reached (${cause?.message ?? err.message})`;
}

export function clientCredentialsFetcher(c: OAuthBearerConfig, opts: ClientCredentialsOptions): TokenFetcher {
  const now = opts.now ?? Date.now;
  const body = `grant_type=client_credentials${c.scope ? `&scope=${encodeURIComponent(c.scope)}` : ''}`;
  return async (signal: AbortSignal): Promise<FetchedToken> => {
    let res: Response;
    let text: string;
    try {
      res = await fetch(c.tokenEndpointUrl, {
        method: 'POST',
        headers: {
          Accept: 'application/json',
          Authorization: basicAuth(c),
          'Cache-Control': 'no-cache',
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(opts.timeoutMs)]),
        redirect: 'error',
      });
      text = await res.text();
    } catch (e) {
      if (signal.aborted) throw e;
      throw new Error(networkReason(e));
    }
    if (res.status >= 400) {
      const summary = errorSummary(text, c.clientSecret);
      const what = `answered HTTP ${res.status} for client "${c.clientId}"${c.scope ? ` and scope "${c.scope}"` : ''}: ${summary}`;
      // Too many requests, timeouts and server errors pass; a refusal stays a refusal.
      if (res.status === 408 || res.status === 429 || res.status >= 500) throw new Error(what);
      throw new TokenRefusedError(`the SASL/OAUTHBEARER token endpoint ${c.tokenEndpointUrl} refused the client credentials: ${what}`);
    }
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(text) as Record<string, unknown>;
    } catch {
      throw new TokenRefusedError(`the SASL/OAUTHBEARER token endpoint ${c.tokenEndpointUrl} answered HTTP ${res.status} with no JSON`);
    }
    const token = typeof answer.access_token === 'string' ? answer.access_token : typeof answer.id_token === 'string' ? answer.id_token : undefined;
    if (!token) throw new TokenRefusedError(`the SASL/OAUTHBEARER token endpoint ${c.tokenEndpointUrl} answered without an access_token`);
    const expiresIn = typeof answer.expires_in === 'number' ? answer.expires_in : Number(answer.expires_in);
    const expiresAtMs = jwtExpiryMs(token) ?? (Number.isFinite(expiresIn) && expiresIn > 0 ? now() + expiresIn * 1000 : undefined);
    if (expiresAtMs === undefined) {
      throw new TokenRefusedError(`the SASL/OAUTHBEARER token endpoint ${c.tokenEndpointUrl} answered with a token of unknown lifetime (no exp claim, no expires_in)`);
    }
    return { value: token, expiresAtMs };
  };
}
