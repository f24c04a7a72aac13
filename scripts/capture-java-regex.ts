// Captures what java.util.regex (and, when the Kafka jars are cached, MM2's own DefaultTopicFilter
// and DefaultGroupFilter) select for every case of test/fixtures/java-regex-cases.txt, into
// test/fixtures/java-regex.json, the reference the Java-regex evaluator is tested against.
//
//   MW_KAFKA_DIR=/path/to/.kafka npx tsx scripts/capture-java-regex.ts
//
// Needs `java` (17+). Kafka's verdicts are recorded per version found under $MW_KAFKA_DIR/<v>/mm2.
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CASES_FILE, FIXTURE_FILE, runRegexOracle } from '../test/unit/helpers/javaRegexOracle.js';
import type { OracleOutput } from '../test/unit/helpers/javaRegexOracle.js';

const pure = runRegexOracle();
const fixture: OracleOutput & { kafkaVersions: string[] } = { ...pure, kafkaVersions: [] };
const kafkaDir = process.env.MW_KAFKA_DIR;
if (kafkaDir && existsSync(kafkaDir)) {
  for (const v of readdirSync(kafkaDir).sort()) {
    const libs = join(kafkaDir, v, 'mm2', 'libs');
    if (!existsSync(libs)) continue;
    const withKafka = runRegexOracle(join(libs, '*'));
    if (!withKafka.kafka) continue;
    fixture.kafkaVersions.push(withKafka.kafka);
    withKafka.cases.forEach((c, i) => {
      const target = fixture.cases[i]!;
      target.kafka ??= {};
      target.kafka[withKafka.kafka!] = c.kafkaError !== undefined ? { error: c.kafkaError } : { matches: c.kafkaMatches ?? [] };
    });
  }
}
delete (fixture as { kafka?: unknown }).kafka;
writeFileSync(FIXTURE_FILE, `${JSON.stringify(fixture, null, 1)}\n`);
console.log(`${fixture.cases.length} cases from ${CASES_FILE} -> ${FIXTURE_FILE} (java ${fixture.java}; kafka ${fixture.kafkaVersions.join(', ') || 'none'})`);
