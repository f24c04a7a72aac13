// When a bearer token (OAUTHBEARER, MSK IAM) is renewed. Pure: times are passed in.
//
// Kafka renews a token after `sasl.login.refresh.window.factor` (0.8) of its lifetime. mirrorwatch
// also needs the token it hands out to outlive the client's re-authentication margin: kafkajs
// re-authenticates a connection when the broker's session (the token's remaining lifetime, with
// `connections.max.reauth.ms` set) has less than 10 s left, and a token offered then with less
// than that would be asked for again on every request.

export interface HeldToken {
  obtainedAtMs: number;
  expiresAtMs: number;
}

/** kafkajs's default re-authentication threshold, plus room for one request round trip. */
export const MIN_REMAINING_MS = 15_000;

/** When `token` should be replaced: the earlier of the window and its expiry less the margin. */
export function refreshDueAt(token: HeldToken, windowFactor: number, minRemainingMs: number = MIN_REMAINING_MS): number {
  const lifetime = Math.max(0, token.expiresAtMs - token.obtainedAtMs);
  const byWindow = token.obtainedAtMs + lifetime * windowFactor;
  return Math.max(token.obtainedAtMs, Math.min(byWindow, token.expiresAtMs - minRemainingMs));
}

/**
 * A token with less than this left is not offered again: the broker would grant a session shorter
 * than kafkajs's re-authentication threshold, and kafkajs would re-authenticate before every
 * request, racing the requests it pipelines on the same connection (the broker answers those with
 * ILLEGAL_SASL_STATE).
 */
export const MIN_OFFERED_MS = 12_000;

/** Whether `token` can still be offered to a broker at `nowMs`. */
export function stillValid(token: HeldToken, nowMs: number, marginMs: number = MIN_OFFERED_MS): boolean {
  return nowMs < token.expiresAtMs - marginMs;
}
