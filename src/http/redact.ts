// Defence in depth for /api/v1/config: whatever summary the caller hands over, secrets do not leave
// the process. Key names catch structured config (sasl.password, tls.key); the value check catches
// secrets embedded in strings, such as a JAAS line copied from mm2.properties.

export const REDACTED = '[redacted]';

const SECRET_KEY_PART = /password|passwd|secret|token|credential|jaas|private[._-]?key|api[._-]?key/i;
const SECRET_KEY_WHOLE = /^(key|pass|pwd)$|[._-](key|pass|pwd)$|[a-z]Key$/;
const SECRET_IN_VALUE = /(password|secret|token)\s*[=:]/i;
const MAX_DEPTH = 32;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY_PART.test(key) || SECRET_KEY_WHOLE.test(key) || /^(key|pass|pwd)$/i.test(key);
}

/** A deep copy of `value` with secrets replaced by "[redacted]"; cycles and odd objects made inert. */
export function redactSecrets(value: unknown): unknown {
  return walk(value, 0, new WeakSet());
}

function walk(value: unknown, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return SECRET_IN_VALUE.test(value) ? REDACTED : value;
  if (value === null || typeof value !== 'object') {
    // Functions, symbols and bigints have no JSON form worth showing.
    return typeof value === 'function' || typeof value === 'symbol' ? undefined : typeof value === 'bigint' ? value.toString() : value;
  }
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return '[binary]';
  if (value instanceof Date) return value.toISOString();
  if (value instanceof RegExp) return value.source;
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (Array.isArray(value)) return value.map((item) => walk(item, depth + 1, seen));
    const entries: Iterable<[unknown, unknown]> = value instanceof Map ? value.entries() : Object.entries(value);
    const out: Record<string, unknown> = {};
    for (const [rawKey, item] of entries) {
      const key = String(rawKey);
      out[key] = isSecretKey(key) && item !== null && item !== undefined ? REDACTED : walk(item, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}
