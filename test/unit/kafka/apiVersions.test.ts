import { describe, expect, it } from 'vitest';
import { negotiateVersion } from '../../../src/kafka/apiVersions.js';

describe('negotiateVersion', () => {
  it("takes the newest version both sides know", () => {
    expect(negotiateVersion('Fetch', [0, 1, 4, 11], { minVersion: 4, maxVersion: 18 })).toEqual({ ok: true, version: 11 });
    expect(negotiateVersion('Fetch', [0, 1, 4, 11], { minVersion: 0, maxVersion: 4 })).toEqual({ ok: true, version: 4 });
  });

  it('refuses when the broker dropped every version kafkajs has (KIP-896 style)', () => {
    const r = negotiateVersion('ListOffsets', [0, 1, 2, 3], { minVersion: 4, maxVersion: 11 });
    expect(r).toEqual({ ok: false, reason: 'the broker accepts ListOffsets v4-v11, kafkajs implements up to v3' });
  });

  it('refuses an API the broker does not offer or a gap in the implemented versions', () => {
    expect(negotiateVersion('OffsetFetch', [1, 2], undefined).ok).toBe(false);
    expect(negotiateVersion('X', [1, 5], { minVersion: 0, maxVersion: 3 })).toEqual({ ok: false, reason: 'kafkajs has no X v3 (implements 1, 5)' });
    expect(negotiateVersion('X', [], { minVersion: 0, maxVersion: 3 }).ok).toBe(false);
  });
});
