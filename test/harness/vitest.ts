// vitest glue: stop everything after the file, and point a failing test at the broker and MM2 logs.
import { afterAll, beforeEach } from 'vitest';
import { logHint, stopAll } from './kafka.js';

/** Call once at the top of an integration test file. */
export function useKafkaHarness(): void {
  beforeEach(({ onTestFailed }) => {
    onTestFailed(() => {
      console.error(logHint());
    });
  });
  afterAll(async () => {
    await stopAll();
  });
}
