import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', '.kafka/**', 'bench/results/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly' },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-imports': 'off',
    },
  },
  {
    // The Kafka client stays behind src/kafka/: nothing else may import kafkajs.
    files: ['src/**/*.ts'],
    ignores: ['src/kafka/**'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'kafkajs', message: 'Only src/kafka/ talks to kafkajs; use the KafkaPort interface.' }], patterns: ['kafkajs/*'] }],
    },
  },
  {
    // The pure core does no I/O.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:fs*', 'node:net', 'node:http*', 'node:child_process', 'fs', 'net', 'http', 'kafkajs', 'kafkajs/*', 'fastify', 'pino', 'prom-client'] }],
    },
  },
);
