// Kafka config providers: `${provider:[path:]key}` variables in property values, replaced by what
// the named provider returns, as Kafka's ConfigTransformer does for MirrorMaker 2 (its
// MirrorMakerConfig transforms client and worker settings with the providers listed in
// `config.providers`). Pure: reading files and the environment is the caller's lookup
// (providerReaders.ts). Nothing here puts a looked-up value into a message.
import { configDefList, javaTrim } from './javaValues.js';

/**
 * ConfigTransformer.DEFAULT_PATTERN. The lazy groups make the path end at the first ":" after
 * which the rest still matches, so `${file:/etc/a.properties:k}` has path /etc/a.properties, and
 * `${env:NAME}` has no path.
 */
const VARIABLE = /\$\{([^}]*?):(([^}]*?):)?([^}]*?)\}/g;

export interface ConfigVariable {
  /** The variable as written, e.g. `${file:/etc/kafka/secrets.properties:password}`. */
  text: string;
  provider: string;
  /** "" when the variable has none (`${env:NAME}`). */
  path: string;
  key: string;
}

export function findVariables(value: string): ConfigVariable[] {
  const out: ConfigVariable[] = [];
  for (const m of value.matchAll(VARIABLE)) {
    out.push({ text: m[0], provider: m[1]!, path: m[3] ?? '', key: m[4]! });
  }
  return out;
}

export function hasVariable(value: string): boolean {
  return findVariables(value).length > 0;
}

/** What a lookup says about one variable. */
export type VariableLookup =
  | { found: true; value: string }
  /** Kafka leaves such a variable as written; `reason` says why (never holds a secret). */
  | { found: false; reason: string };

export interface Substitution {
  /** The value with every variable that was found replaced (the others left as written). */
  value: string;
  /** Variables left as written, with the reason. */
  unresolved: { variable: ConfigVariable; reason: string }[];
  /** How many variables were replaced. */
  replaced: number;
}

/** ConfigTransformer.replace: each variable found is replaced, the others stay as they are. */
export function substituteVariables(value: string, lookup: (v: ConfigVariable) => VariableLookup): Substitution {
  const unresolved: Substitution['unresolved'] = [];
  let replaced = 0;
  const out = value.replace(VARIABLE, (text: string, provider: string, _p: string | undefined, path: string | undefined, key: string) => {
    const variable: ConfigVariable = { text, provider, path: path ?? '', key };
    const r = lookup(variable);
    if (r.found) {
      replaced++;
      return r.value;
    }
    unresolved.push({ variable, reason: r.reason });
    return text;
  });
  return { value: out, unresolved, replaced };
}

// ---------------------------------------------------------------- provider declarations

export type ProviderKind = 'file' | 'env' | 'dir';

const PACKAGE = 'org.apache.kafka.common.config.provider.';
/** Class names and the Connect plugin aliases (simple name, and the name without its "ConfigProvider" suffix). */
const KNOWN_CLASSES: Record<string, ProviderKind> = {
  [`${PACKAGE}FileConfigProvider`]: 'file',
  FileConfigProvider: 'file',
  File: 'file',
  [`${PACKAGE}EnvVarConfigProvider`]: 'env',
  EnvVarConfigProvider: 'env',
  EnvVar: 'env',
  [`${PACKAGE}DirectoryConfigProvider`]: 'dir',
  DirectoryConfigProvider: 'dir',
  Directory: 'dir',
};

export const SUPPORTED_PROVIDER_CLASSES = ['FileConfigProvider', 'EnvVarConfigProvider', 'DirectoryConfigProvider'];

export interface ProviderSetting {
  key: string;
  value: string;
  line?: number;
}

export interface ProviderDeclaration {
  name: string;
  /** Undefined when the class is not one mirrorwatch implements (see `problem`). */
  kind?: ProviderKind;
  /** `config.providers.<name>.param.*`, prefix stripped. */
  params: Map<string, string>;
  /** Why variables of this provider cannot be resolved, naming the key; undefined when they can. */
  problem?: string;
  /** Where the problem is (the `.class` key, or `config.providers`). */
  at?: ProviderSetting;
}

/**
 * The providers `config.providers` declares, as Plugins.newConfigProvider builds them: each needs
 * `config.providers.<name>.class`, and gets `config.providers.<name>.param.*` as its configuration.
 * @param keys every key of the file
 */
export function declaredProviders(get: (key: string) => ProviderSetting | undefined, keys: Iterable<string>): Map<string, ProviderDeclaration> {
  const out = new Map<string, ProviderDeclaration>();
  const list = get('config.providers');
  if (!list) return out;
  const allKeys = [...keys];
  for (const name of configDefList(list.value).filter((n) => n !== '')) {
    const prefix = `config.providers.${name}.param.`;
    const params = new Map<string, string>();
    for (const k of allKeys) {
      if (k.startsWith(prefix)) params.set(k.slice(prefix.length), get(k)!.value);
    }
    const cls = get(`config.providers.${name}.class`);
    const decl: ProviderDeclaration = { name, params };
    if (!cls) {
      // Plugins.newConfigProvider returns null: MM2 then leaves this provider's variables as written.
      decl.problem = `config.providers lists "${name}" but config.providers.${name}.class is not set, so MM2 leaves its variables unresolved`;
      decl.at = list;
    } else {
      const kind = KNOWN_CLASSES[javaTrim(cls.value)];
      if (kind) decl.kind = kind;
      else {
        decl.problem = `config provider "${name}" is ${javaTrim(cls.value)} (${cls.key}), which mirrorwatch cannot run: it resolves ${SUPPORTED_PROVIDER_CLASSES.join(', ')}`;
        decl.at = cls;
      }
    }
    out.set(name, decl);
  }
  return out;
}

/** The providers of a mirrorwatch YAML file: the three built-in ones, under their usual names, with no parameters. */
export function builtinProviders(): Map<string, ProviderDeclaration> {
  return new Map<string, ProviderDeclaration>(
    (['file', 'env', 'dir'] as const).map((kind) => [kind, { name: kind, kind, params: new Map() }]),
  );
}

/** Why a variable names no usable provider, or undefined when it does. */
export function providerProblem(variable: ConfigVariable, providers: Map<string, ProviderDeclaration>): string | undefined {
  const decl = providers.get(variable.provider);
  if (!decl) {
    const names = [...providers.keys()];
    return `names config provider "${variable.provider}", which is not declared${names.length > 0 ? ` (config.providers: ${names.join(', ')})` : ' (no config.providers)'}, so MM2 would use the text as written`;
  }
  return decl.problem;
}
