// Bearer tokens for SASL/OAUTHBEARER, kept fresh: fetched once, handed to every connection of the
// cluster, renewed before expiry (src/core/tokenRefresh.ts), and fetched again with exponential
// backoff (p-retry) while the token endpoint is down. A token still valid is offered while its
// successor cannot be had, so an endpoint outage shorter than a token's remaining life costs
// nothing; once no valid token is left the cluster is reported down with the endpoint's failure.
// Messages name the cluster and the endpoint, never the secret or the token.
import pRetry from 'p-retry';
import type { Logger } from '../log.js';
import { MIN_OFFERED_MS, refreshDueAt, stillValid } from '../core/tokenRefresh.js';
import type { HeldToken } from '../core/tokenRefresh.js';

export interface FetchedToken {
  value: string;
  expiresAtMs: number;
}

/** One attempt at a token; rejects with TokenRefusedError when retrying cannot help. */
export type TokenFetcher = (signal: AbortSignal) => Promise<FetchedToken>;

/** The endpoint answered and refused (wrong client secret, unknown client, bad scope): not retried. */
export class TokenRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TokenRefusedError';
  }
}

export interface RefreshingTokenOptions {
  alias: string;
  /** What the token comes from, for messages: "SASL/OAUTHBEARER token endpoint https://…". */
  source: string;
  fetch: TokenFetcher;
  windowFactor: number;
  backoffMs: number;
  backoffMaxMs: number;
  /** How long a connection without a usable token waits for the endpoint before it fails. */
  waitMs: number;
  logger: Logger;
  now?: () => number;
}

interface Held extends HeldToken {
  value: string;
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message || e.name : String(e));

function within<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
    timer.unref?.();
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

export class RefreshingToken {
  private held: Held | null = null;
  private loop: Promise<Held> | null = null;
  private failedAttempts = 0;
  private lastFailure: string | null = null;
  private readonly abort = new AbortController();
  private readonly now: () => number;
  private renewTimer: NodeJS.Timeout | null = null;

  constructor(private readonly opts: RefreshingTokenOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** A token to authenticate with now; rejects naming the cluster and the endpoint's failure. */
  async get(): Promise<string> {
    const held = this.held;
    if (held && this.now() < refreshDueAt(held, this.opts.windowFactor)) return held.value;
    const loop = this.refresh();
    if (held && stillValid(held, this.now())) {
      // Renewal is due: a fresh token if it comes quickly, else the current one (the loop goes on).
      // While the endpoint is failing, no wait: every re-authentication would pay it.
      if (this.failedAttempts > 0) return held.value;
      const fresh = await within(loop, this.opts.waitMs).catch(() => undefined);
      return fresh?.value ?? held.value;
    }
    const fresh = await within(loop, this.opts.waitMs);
    if (fresh) return fresh.value;
    throw new Error(
      `cluster ${this.opts.alias}: no SASL/OAUTHBEARER token: the ${this.opts.source} ${this.lastFailure ?? 'did not answer in time'}; retrying with backoff`,
    );
  }

  /** Stops renewing and retrying; get() fails from then on. */
  close(): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    this.renewTimer = null;
    this.abort.abort(new Error(`cluster ${this.opts.alias}: closed`));
  }

  // kafkajs asks for a token only when a connection (re-)authenticates, which is when the broker's
  // session is about to end: the successor is fetched ahead, when renewal is due, as Kafka's own
  // refresh thread does, so that an endpoint outage then still leaves the current token to use.
  private scheduleRenewal(held: Held): void {
    if (this.renewTimer) clearTimeout(this.renewTimer);
    if (this.abort.signal.aborted) return;
    const delay = Math.max(0, refreshDueAt(held, this.opts.windowFactor) - this.now());
    this.renewTimer = setTimeout(() => {
      this.renewTimer = null;
      this.refresh().catch(() => {
        // logged by the loop; the next get() reports it
      });
    }, delay);
    this.renewTimer.unref?.();
  }

  private refresh(): Promise<Held> {
    if (this.loop) return this.loop;
    const { alias, source, logger, backoffMs, backoffMaxMs } = this.opts;
    const loop = pRetry(() => this.opts.fetch(this.abort.signal), {
      retries: Infinity,
      factor: 2,
      minTimeout: backoffMs,
      maxTimeout: backoffMaxMs,
      randomize: true,
      signal: this.abort.signal,
      shouldRetry: ({ error }) => !(error instanceof TokenRefusedError),
      onFailedAttempt: ({ error }) => {
        this.failedAttempts++;
        const message = messageOf(error);
        if (error instanceof TokenRefusedError || message === this.lastFailure) return;
        this.lastFailure = message;
        const keeping =
          this.held && stillValid(this.held, this.now())
            ? `; the current token (expires ${new Date(this.held.expiresAtMs).toISOString()}) stays in use until ${MIN_OFFERED_MS / 1000} s before it expires`
            : '';
        logger.warn(
          { cluster: alias, err: message },
          `cluster ${alias}: the ${source} ${message}; retrying with backoff (${backoffMs} ms doubling to ${backoffMaxMs} ms)${keeping}`,
        );
      },
    }).then(
      (t) => {
        if (this.failedAttempts > 0 && this.lastFailure !== null) {
          logger.info({ cluster: alias, attempts: this.failedAttempts + 1 }, `cluster ${alias}: the ${source} answered again`);
        }
        this.failedAttempts = 0;
        this.lastFailure = null;
        const held = { value: t.value, obtainedAtMs: this.now(), expiresAtMs: t.expiresAtMs };
        this.held = held;
        this.scheduleRenewal(held);
        return held;
      },
      (e: unknown) => {
        this.failedAttempts = 0;
        this.lastFailure = null;
        throw e instanceof TokenRefusedError ? new Error(`cluster ${alias}: ${e.message}`) : e;
      },
    );
    this.loop = loop;
    void loop.then(
      () => (this.loop = null),
      () => (this.loop = null),
    );
    return loop;
  }
}
