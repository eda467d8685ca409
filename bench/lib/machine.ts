import { cpus, freemem, loadavg, totalmem } from 'node:os';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * What every figure prints first: the machine and the exact command, so a number in
 * docs/BENCHMARKS.md can always be traced to where and how it was measured.
 */
export interface MachineInfo {
  readonly cpu: string;
  readonly cores: number;
  readonly ramGb: number;
  readonly freeGb: number;
  readonly node: string;
  readonly platform: string;
  /** 1-minute load average when the figure started: above ~0.5 x cores the numbers are noisy. */
  readonly load1: number;
  readonly date: string;
}

export function machineInfo(): MachineInfo {
  const list = cpus();
  return {
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    ramGb: Math.round(totalmem() / 2 ** 30),
    freeGb: Math.round(freemem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load1: Math.round(loadavg()[0]! * 100) / 100,
    date: new Date().toISOString(),
  };
}

export function describeMachine(m: MachineInfo): string {
  return `${m.cpu} x${m.cores}, ${m.ramGb} GB RAM, node ${m.node}, ${m.platform}, load ${m.load1} at ${m.date}`;
}

/** The command that reproduces this run, as typed from the repo root. */
export function commandLine(scriptUrl: string): string {
  const script = relative(process.cwd(), fileURLToPath(scriptUrl));
  const args = process.argv.slice(2).join(' ');
  return `npx tsx ${script}${args ? ` ${args}` : ''}`;
}

/** Print the header every figure starts with. */
export function printHeader(title: string, scriptUrl: string): { machine: MachineInfo; command: string } {
  const machine = machineInfo();
  const command = commandLine(scriptUrl);
  console.log(`# ${title}`);
  console.log(`machine: ${describeMachine(machine)}`);
  console.log(`command: ${command}`);
  return { machine, command };
}
