// Extracts username and password from a `sasl.jaas.config` value such as
//   org.apache.kafka.common.security.plain.PlainLoginModule required username="u" password="p";
// Follows the tokenizing of Kafka's JaasConfig (StreamTokenizer: words, "quoted strings" with
// backslash escapes, `=` and `;`). Never echoes the text in its errors: it holds a password.

export interface JaasLogin {
  loginModule: string;
  controlFlag: string;
  options: Map<string, string>;
}

export type JaasResult = { ok: true; logins: JaasLogin[] } | { ok: false; reason: string };

type Token = { kind: 'word' | 'quoted'; text: string } | { kind: 'punct'; text: '=' | ';' };

function tokenize(s: string): Token[] | string {
  const tokens: Token[] = [];
  let i = 0;
  while (i < s.length) {
    const c = s[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (c === '=' || c === ';') {
      tokens.push({ kind: 'punct', text: c });
      i++;
    } else if (c === '"') {
      let out = '';
      i++;
      for (;;) {
        if (i >= s.length) return 'a quoted value is not closed';
        const d = s[i]!;
        if (d === '"') {
          i++;
          break;
        }
        if (d === '\\' && i + 1 < s.length) {
          const e = s[i + 1]!;
          out += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
          i += 2;
          continue;
        }
        out += d;
        i++;
      }
      tokens.push({ kind: 'quoted', text: out });
    } else if (c === '/' && (s[i + 1] === '/' || s[i + 1] === '*')) {
      return 'comments are not supported';
    } else {
      let out = '';
      while (i < s.length && !/[\s=;"]/.test(s[i]!)) out += s[i++];
      tokens.push({ kind: 'word', text: out });
    }
  }
  return tokens;
}

export function parseJaasConfig(text: string): JaasResult {
  const tokens = tokenize(text);
  if (typeof tokens === 'string') return { ok: false, reason: tokens };
  const logins: JaasLogin[] = [];
  let i = 0;
  while (i < tokens.length) {
    const module = tokens[i++];
    const flag = tokens[i++];
    if (module?.kind !== 'word' || flag?.kind !== 'word') {
      return { ok: false, reason: 'expected "<LoginModule class> <control flag>"' };
    }
    const options = new Map<string, string>();
    for (;;) {
      const t = tokens[i++];
      if (t === undefined) return { ok: false, reason: 'missing ";" at the end' };
      if (t.kind === 'punct' && t.text === ';') break;
      const eq = tokens[i++];
      const value = tokens[i++];
      if (t.kind !== 'word' || eq?.kind !== 'punct' || eq.text !== '=' || value === undefined || value.kind === 'punct') {
        return { ok: false, reason: 'expected options of the form name="value"' };
      }
      options.set(t.text, value.text);
    }
    logins.push({ loginModule: module.text, controlFlag: flag.text, options });
  }
  if (logins.length === 0) return { ok: false, reason: 'no login module' };
  return { ok: true, logins };
}
