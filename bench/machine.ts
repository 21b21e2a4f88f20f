import { availableParallelism, cpus, loadavg, totalmem } from 'node:os';

export interface Machine {
  cpu: string;
  cores: number;
  memoryGiB: number;
  /** 1-minute load average at the start: above the core count, other work shared the CPUs. */
  load1: number;
  node: string;
  platform: string;
  date: string;
}

/** The facts a figure is meaningless without: the issue asks for the core count beside every run. */
export function describeMachine(now = new Date()): Machine {
  return {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    load1: Math.round(loadavg()[0] * 100) / 100,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    date: now.toISOString(),
  };
}
