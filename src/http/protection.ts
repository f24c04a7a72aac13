// HTTPS and basic auth for the HTTP server (config: http.tls, http.basicAuthUsers).
// Passwords are checked against bcrypt hashes. bcrypt is slow on purpose (~90 ms at cost 10 in
// pure JS), and Prometheus sends the same credentials on every scrape, so a verified pair is
// remembered for a while: keyed by a SHA-256 of the pair, never the pair itself. Failures are never
// remembered, and only a few verifications run at once, so a flood of bad passwords cannot take
// the event loop from the scrapes.
import { createHash, randomBytes } from 'node:crypto';
import type { SecureContextOptions, TlsOptions } from 'node:tls';
import bcrypt from 'bcryptjs';
import type { FastifyInstance } from 'fastify';
import type { HttpTlsConfig } from '../core/types.js';
import type { Logger } from '../log.js';

/** Options for https.createServer: the configured certificate, and client certificates when asked for. */
export function httpsServerOptions(tls: HttpTlsConfig): TlsOptions & SecureContextOptions {
  const options: TlsOptions & SecureContextOptions = { cert: tls.cert, key: tls.key, minVersion: 'TLSv1.2' };
  if (tls.clientCa !== undefined) {
    options.ca = tls.clientCa;
    options.requestCert = true;
    options.rejectUnauthorized = true;
  }
  return options;
}

export type AuthOutcome =
  | { ok: true; user: string }
  | { ok: false; status: 401 | 429; reason: 'missing' | 'malformed' | 'unknown user' | 'wrong password' | 'busy'; user?: string };

export interface BasicAuthOptions {
  /** User name -> bcrypt hash. */
  users: Record<string, string>;
  logger: Logger;
  /** How long a verified user/password pair is accepted without bcrypt (default 5 min). */
  cacheTtlMs?: number;
  /** Verifications running at once before further attempts get 429 (default 4). */
  maxConcurrent?: number;
  now?: () => number;
}

const MAX_CACHED = 256;
const FAILURE_LOG_INTERVAL_MS = 60_000;

export class BasicAuth {
  private readonly users: Map<string, string>;
  private readonly cache = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxConcurrent: number;
  private readonly now: () => number;
  /** Compared against for unknown users, so that a wrong name takes as long as a wrong password. */
  private readonly decoyHash: string;
  private inFlight = 0;
  private failures = 0;
  private lastFailureLogMs = -Infinity;

  constructor(private readonly options: BasicAuthOptions) {
    this.users = new Map(Object.entries(options.users));
    this.ttlMs = options.cacheTtlMs ?? 5 * 60_000;
    this.maxConcurrent = options.maxConcurrent ?? 4;
    this.now = options.now ?? Date.now;
    const first = this.users.values().next();
    if (first.done) throw new Error('basic auth needs at least one user');
    this.decoyHash = first.value;
  }

  /** Checks an Authorization header. */
  async check(header: string | undefined, remote?: string): Promise<AuthOutcome> {
    const outcome = await this.verify(header);
    if (!outcome.ok && outcome.reason !== 'missing') this.noteFailure(outcome, remote);
    return outcome;
  }

  private async verify(header: string | undefined): Promise<AuthOutcome> {
    if (header === undefined || header === '') return { ok: false, status: 401, reason: 'missing' };
    const m = /^Basic[ ]+([A-Za-z0-9+/]+={0,2})[ ]*$/i.exec(header);
    if (!m) return { ok: false, status: 401, reason: 'malformed' };
    const decoded = Buffer.from(m[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return { ok: false, status: 401, reason: 'malformed' };
    const user = decoded.slice(0, colon);
    const password = decoded.slice(colon + 1);

    const cacheKey = createHash('sha256').update(user).update('\u0000').update(password).digest('base64');
    const expires = this.cache.get(cacheKey);
    if (expires !== undefined) {
      if (expires > this.now() && this.users.has(user)) return { ok: true, user };
      this.cache.delete(cacheKey);
    }

    if (this.inFlight >= this.maxConcurrent) return { ok: false, status: 429, reason: 'busy', user };
    this.inFlight++;
    try {
      const hash = this.users.get(user);
      // An unknown user still costs a bcrypt comparison: response times do not reveal valid names.
      const matches = await bcrypt.compare(hash === undefined ? randomBytes(12).toString('base64') : password, hash ?? this.decoyHash);
      if (hash === undefined) return { ok: false, status: 401, reason: 'unknown user', user };
      if (!matches) return { ok: false, status: 401, reason: 'wrong password', user };
    } finally {
      this.inFlight--;
    }
    if (this.cache.size >= MAX_CACHED) {
      const oldest = this.cache.keys().next();
      if (!oldest.done) this.cache.delete(oldest.value);
    }
    this.cache.set(cacheKey, this.now() + this.ttlMs);
    return { ok: true, user };
  }

  /** One warning per minute at most, with the count since the last one: a scan must not flood the log. */
  private noteFailure(outcome: Extract<AuthOutcome, { ok: false }>, remote: string | undefined): void {
    this.failures++;
    const now = this.now();
    if (now - this.lastFailureLogMs < FAILURE_LOG_INTERVAL_MS) return;
    this.lastFailureLogMs = now;
    const user = outcome.user === undefined ? undefined : JSON.stringify(outcome.user.slice(0, 64));
    this.options.logger.warn(
      { remote, reason: outcome.reason, user: outcome.user?.slice(0, 64), failures: this.failures },
      `HTTP basic auth failed (${outcome.reason}${user ? ` for user ${user}` : ''}${remote ? ` from ${remote}` : ''}); ${this.failures} failure(s) since the last such message`,
    );
    this.failures = 0;
  }
}

export const WWW_AUTHENTICATE = 'Basic realm="mirrorwatch", charset="UTF-8"';

/** Answers every request without valid credentials with 401 (or 429 when verifications pile up). */
export function installBasicAuth(app: FastifyInstance, users: Record<string, string>, logger: Logger): BasicAuth {
  const auth = new BasicAuth({ users, logger });
  app.addHook('onRequest', async (request, reply) => {
    const outcome = await auth.check(request.headers.authorization, request.ip);
    if (outcome.ok) return;
    if (outcome.status === 429) {
      return reply.code(429).header('retry-after', '1').send({ statusCode: 429, error: 'Too Many Requests', message: 'too many authentication attempts in progress' });
    }
    return reply
      .code(401)
      .header('www-authenticate', WWW_AUTHENTICATE)
      .send({ statusCode: 401, error: 'Unauthorized', message: 'authentication required (HTTP basic auth)' });
  });
  return auth;
}
