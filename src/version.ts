import { readFileSync } from 'node:fs';

// Read once from package.json so build info and --version never drift from the release.
function readVersion(): string {
  try {
    const url = new URL('../package.json', import.meta.url);
    const pkg = JSON.parse(readFileSync(url, 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/**
 * The git revision the build came from: written next to the compiled code by
 * scripts/write-build-info.mjs (npm run build, and so npm pack and the image build). Running from
 * source, or from a build made without git, it is "unknown" rather than a guess.
 */
function readRevision(): string {
  try {
    const url = new URL('./build-info.json', import.meta.url);
    const info = JSON.parse(readFileSync(url, 'utf8')) as { revision?: unknown };
    return typeof info.revision === 'string' && /^[0-9a-f]{7,40}(-dirty)?$/.test(info.revision) ? info.revision : 'unknown';
  } catch {
    return 'unknown';
  }
}

export const VERSION = readVersion();
export const REVISION = readRevision();
