// Loading the configuration for any command: a bad file is exit code 2 with the loader's message,
// which names the file, the key or line and what is wrong. Never a stack trace.
import { ConfigError, loadConfig } from '../config/load.js';
import { parseShard } from '../core/shard.js';
import type { MirrorwatchConfig } from '../core/types.js';

export const EXIT_CONFIG = 2;

export function loadConfigOrExit(path: string | undefined): MirrorwatchConfig {
  const file = path ?? process.env.MIRRORWATCH_CONFIG;
  if (!file) {
    process.stderr.write('mirrorwatch: no configuration given: pass -c FILE (YAML or mm2.properties) or set MIRRORWATCH_CONFIG\n');
    process.exit(EXIT_CONFIG);
  }
  try {
    return loadConfig(file);
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`mirrorwatch: invalid configuration\n${err.message}\n`);
    } else {
      process.stderr.write(`mirrorwatch: cannot load configuration ${file}: ${err instanceof Error ? err.message : String(err)}\n`);
    }
    process.exit(EXIT_CONFIG);
  }
}

export function formatWarnings(config: MirrorwatchConfig): string[] {
  return config.warnings.map((w) => {
    const where = w.line !== undefined ? `${w.file}:${w.line}` : w.file;
    return `warning: ${where}${w.key ? ` (${w.key})` : ''}: ${w.message}`;
  });
}

/**
 * The configuration with `--shard` (or $MIRRORWATCH_SHARD) applied over the file's `shard`;
 * a message when the value is not INDEX/COUNT with INDEX below COUNT.
 */
export function withShardOption(config: MirrorwatchConfig, option: string | undefined, env: NodeJS.ProcessEnv = process.env): MirrorwatchConfig | { error: string } {
  const text = option ?? (env.MIRRORWATCH_SHARD !== undefined && env.MIRRORWATCH_SHARD !== '' ? env.MIRRORWATCH_SHARD : undefined);
  if (text === undefined) return config;
  const shard = parseShard(text);
  if ('error' in shard) return { error: `${option !== undefined ? '--shard' : 'MIRRORWATCH_SHARD'}: ${shard.error}` };
  return { ...config, shard };
}
