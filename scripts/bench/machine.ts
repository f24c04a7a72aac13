// What the figures were measured on: they mean little without it.
import { cpus, loadavg, totalmem } from 'node:os';
import { readProcessLimits } from './clusters.js';

export interface MachineInfo {
  cpus: number;
  cpuModel: string;
  totalMemoryMB: number;
  nodeVersion: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run started. */
  loadAverageAtStart: number[];
  openFilesLimit: number | null;
  maxMapCount: number | null;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  const limits = readProcessLimits();
  return {
    cpus: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    totalMemoryMB: Math.round(totalmem() / 2 ** 20),
    nodeVersion: process.version,
    platform: `${process.platform} ${process.arch}`,
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
    openFilesLimit: limits.openFiles,
    maxMapCount: limits.maxMapCount,
  };
}

/** Waits until the 1-minute load average is below `threshold`, checking every `checkMs`; gives up after `maxMs`. */
export async function waitForLoad(threshold: number, maxMs: number, checkMs: number, say: (line: string) => void): Promise<number> {
  const deadline = Date.now() + maxMs;
  for (;;) {
    const load = loadavg()[0] ?? 0;
    if (load < threshold) return load;
    if (Date.now() >= deadline) {
      say(`load average ${load.toFixed(2)} still >= ${threshold} after ${Math.round(maxMs / 60000)} min: running anyway`);
      return load;
    }
    say(`load average ${load.toFixed(2)} >= ${threshold}: waiting ${Math.round(checkMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, checkMs));
  }
}
