#!/usr/bin/env node
// Resolves Apache Kafka (broker, tools) and MirrorMaker 2 jars from Maven Central with mvn into
// .kafka/<version>/, so tests, the demo and CI run real Kafka without a distribution tarball.
// Plain Node ESM on purpose: .ci/run calls it before anything is built.
//
// Usage: node scripts/fetch-kafka.mjs [version] [--json]
//   version: argument, else $KAFKA_VERSION, else 4.4.0
//   $KAFKA_MM2_VERSION: connect-mirror version to use (default: see MM2_FALLBACK)
//   $MW_KAFKA_DIR: cache root (default <repo>/.kafka)
// A marker file (.kafka/<version>/ready.json) makes reruns return at once.

import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const DEFAULT_VERSION = '4.4.0';

// Some Kafka releases were published to Maven Central without connect-mirror and
// connect-mirror-client (4.4.0, 4.2.2 and 4.0.1 at the time of writing). MM2 then runs from the
// newest earlier release that has them, on its own classpath, against the brokers of the asked
// version: client/broker compatibility across minor versions is what Kafka guarantees anyway.
const MM2_FALLBACK = { '4.4.0': '4.3.1', '4.2.2': '4.2.1', '4.0.1': '4.0.0' };

// Kafka 4.x POMs bring log4j-api/log4j-core but no SLF4J binding; without one the broker and MM2
// log nothing, and their logs are what a failing test points to.
const LOG4J2_VERSION = process.env.KAFKA_LOG4J2_VERSION ?? '2.25.5';
const RELOAD4J_VERSION = '1.2.25';

// Bumped whenever what gets resolved changes, so existing caches are refreshed.
const RECIPE = 2;

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

function log(msg) {
  process.stderr.write(`[fetch-kafka] ${msg}\n`);
}

function major(version) {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}

function loggingDeps(version) {
  if (major(version) >= 4) {
    return [
      ['org.apache.logging.log4j', 'log4j-api', LOG4J2_VERSION],
      ['org.apache.logging.log4j', 'log4j-core', LOG4J2_VERSION],
      ['org.apache.logging.log4j', 'log4j-slf4j-impl', LOG4J2_VERSION],
    ];
  }
  // connect-mirror 3.x brings slf4j-api only (the broker POM brings reload4j).
  return [
    ['ch.qos.reload4j', 'reload4j', RELOAD4J_VERSION],
    ['org.slf4j', 'slf4j-reload4j', '1.7.36'],
  ];
}

function pom(name, deps) {
  const body = deps
    .map(([g, a, v]) => `    <dependency><groupId>${g}</groupId><artifactId>${a}</artifactId><version>${v}</version></dependency>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<!-- Written by scripts/fetch-kafka.mjs: only used to let mvn resolve and copy jars. -->
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>mirrorwatch.local</groupId>
  <artifactId>${name}</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
${body}
  </dependencies>
</project>
`;
}

function run(cmd, args, cwd) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    child.on('error', (err) => reject(new Error(`cannot run ${cmd}: ${err.message} (is it installed and on PATH?)`)));
    child.on('close', (code) => resolvePromise({ code: code ?? 1, out }));
  });
}

async function resolveJars(dir, name, deps, hint) {
  const libs = join(dir, name);
  const tmp = join(dir, `${name}.tmp`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  writeFileSync(join(tmp, 'pom.xml'), pom(name, deps));
  log(`resolving ${name}: ${deps.map((d) => `${d[1]}:${d[2]}`).join(', ')} (slow the first time)`);
  const started = Date.now();
  const { code, out } = await run(
    'mvn',
    ['-q', '-B', 'dependency:copy-dependencies', '-DincludeScope=runtime', '-DoutputDirectory=libs'],
    tmp,
  );
  if (code !== 0) {
    writeFileSync(join(tmp, 'mvn.log'), out);
    const missing = /Could not find artifact ([^\s]+)/.exec(out);
    throw new Error(
      `mvn failed for ${name} (exit ${code}; log ${join(tmp, 'mvn.log')})` +
        (missing ? `: ${missing[1]} is not on Maven Central. ${hint}` : `:\n${out.slice(-2000)}`),
    );
  }
  const jars = readdirSync(join(tmp, 'libs')).filter((f) => f.endsWith('.jar'));
  rmSync(libs, { recursive: true, force: true });
  renameSync(tmp, libs);
  log(`${name}: ${jars.length} jars in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return jars.length;
}

// Concurrent callers (vitest global setup, the demo, another shell) must not resolve into the same
// directory at once; a lock directory holding the owner's pid is enough on one machine.
async function withLock(dir, fn) {
  const lock = join(dir, '.lock');
  const deadline = Date.now() + 20 * 60_000;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      break;
    } catch {
      let owner = NaN;
      try {
        owner = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch {
        /* owner may not have written its pid yet */
      }
      const alive = Number.isFinite(owner) && owner > 0 && isAlive(owner);
      const age = Date.now() - safeMtime(lock);
      if (!alive && age > 5_000) {
        log(`removing stale lock ${lock}`);
        rmSync(lock, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for lock ${lock}`);
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
  try {
    return await fn();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

function safeMtime(path) {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}

export async function fetchKafka(version = process.env.KAFKA_VERSION || DEFAULT_VERSION) {
  if (!/^\d+\.\d+\.\d+$/.test(version)) throw new Error(`invalid Kafka version "${version}" (expected e.g. 4.4.0)`);
  const mm2Version = process.env.KAFKA_MM2_VERSION || MM2_FALLBACK[version] || version;
  const cacheRoot = process.env.MW_KAFKA_DIR ? resolve(process.env.MW_KAFKA_DIR) : join(repoRoot, '.kafka');
  const dir = join(cacheRoot, version);
  const marker = join(dir, 'ready.json');
  const readMarker = () => {
    if (!existsSync(marker)) return undefined;
    const m = JSON.parse(readFileSync(marker, 'utf8'));
    return m.recipe === RECIPE && m.mm2Version === mm2Version && existsSync(m.brokerLibs) && existsSync(m.mm2Libs) ? m : undefined;
  };
  const cached = readMarker();
  if (cached) return cached;
  mkdirSync(dir, { recursive: true });
  return withLock(dir, async () => {
    const again = readMarker();
    if (again) return again;
    rmSync(marker, { force: true });
    const started = Date.now();
    log(`Kafka ${version} (MirrorMaker 2 from connect-mirror ${mm2Version}) into ${dir}`);
    const k = 'org.apache.kafka';
    const brokerJars = await resolveJars(
      dir,
      'broker',
      [[k, 'kafka_2.13', version], [k, 'kafka-tools', version], ...loggingDeps(version)],
      `Is ${version} a released Kafka version?`,
    );
    const mm2Jars = await resolveJars(
      dir,
      'mm2',
      [[k, 'connect-mirror', mm2Version], [k, 'connect-mirror-client', mm2Version], ...loggingDeps(mm2Version)],
      `Set KAFKA_MM2_VERSION to a release that has connect-mirror on Maven Central.`,
    );
    const result = {
      recipe: RECIPE,
      version,
      mm2Version,
      brokerLibs: join(dir, 'broker', 'libs'),
      mm2Libs: join(dir, 'mm2', 'libs'),
      brokerJars,
      mm2Jars,
      fetchedAt: new Date().toISOString(),
    };
    writeFileSync(marker, JSON.stringify(result, null, 2) + '\n');
    log(`done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return result;
  });
}

const invokedDirectly = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const args = process.argv.slice(2);
  const json = args.includes('--json');
  const version = args.find((a) => !a.startsWith('--'));
  fetchKafka(version).then(
    (r) => {
      if (json) process.stdout.write(JSON.stringify(r) + '\n');
      else log(`ready: Kafka ${r.version}, MM2 ${r.mm2Version} (${r.brokerLibs}, ${r.mm2Libs})`);
    },
    (err) => {
      log(`error: ${err.message}`);
      process.exit(1);
    },
  );
}
