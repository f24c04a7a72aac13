// mirrorwatch rules [-c mixin.yaml] [--out DIR [--check]] [--alertmanager]
// Renders the Prometheus rules (and Alertmanager inhibit rules) from the mixin settings: the
// defaults, or a YAML file of overrides (docs/mixin.md). Without --out, prints one rule file with
// every group to stdout (for `promtool`, a ConfigMap or `helm --set-file`). Exit 0, 1 when --check
// finds a file that differs, 2 on a bad settings file.
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'js-yaml';
import { MixinConfigError, resolveMixin } from '../mixin/config.js';
import { renderInhibitRules, renderRuleFiles, renderSingleRuleFile } from '../mixin/render.js';
import { EXIT_NOT_MET, EXIT_OK, EXIT_USAGE } from './args.js';
import type { OutStream } from './commandIo.js';

export interface RulesCommandOptions {
  config?: string;
  out?: string;
  check?: boolean;
  alertmanager?: boolean;
}

export function runRules(opts: RulesCommandOptions, io: { stdout: OutStream; stderr: OutStream }): number {
  let config;
  try {
    config = resolveMixin(opts.config === undefined ? {} : readSettings(opts.config), opts.config);
  } catch (err) {
    if (err instanceof MixinConfigError) {
      io.stderr.write(`${err.message}\n`);
      return EXIT_USAGE;
    }
    throw err;
  }
  if (opts.alertmanager) {
    io.stdout.write(renderInhibitRules(config));
    return EXIT_OK;
  }
  if (opts.out === undefined) {
    if (opts.check) {
      io.stderr.write('--check needs --out DIR (the directory whose files to compare)\n');
      return EXIT_USAGE;
    }
    io.stdout.write(renderSingleRuleFile(config));
    return EXIT_OK;
  }
  const stale: string[] = [];
  for (const [file, text] of Object.entries(renderRuleFiles(config))) {
    const target = path.join(opts.out, file);
    const current = fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : null;
    if (current === text) continue;
    if (opts.check) {
      stale.push(target);
    } else {
      fs.mkdirSync(opts.out, { recursive: true });
      fs.writeFileSync(target, text);
      io.stdout.write(`wrote ${target}\n`);
    }
  }
  if (stale.length > 0) {
    io.stderr.write(`not what the mixin settings render: ${stale.join(', ')}\n`);
    return EXIT_NOT_MET;
  }
  return EXIT_OK;
}

function readSettings(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new MixinConfigError(`${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  try {
    return yaml.load(text) ?? {};
  } catch (err) {
    throw new MixinConfigError(`${file}: not valid YAML: ${(err as Error).message.split('\n')[0]}`);
  }
}
