/**
 * Lambda's CPU share: a function gets CPU in proportion to its memory, one full vCPU at 1 769 MB
 * (AWS Lambda docs, "Memory and computing power"). The bench runs a measured process under that
 * share with a cgroup v1 CPU quota (`cpu.cfs_quota_us` over a 100 ms `cpu.cfs_period_us`) where
 * the machine lets it create one (root, a writable /sys/fs/cgroup/cpu); elsewhere it says so and
 * measures at full speed. The stand-ins (AWS, DynamoDB, Slack) stay outside the quota, as AWS's
 * and Slack's servers are not on the function's CPU. One core of this machine is not one Graviton
 * vCPU: the figures compare sizes and functions, they do not predict Lambda's milliseconds.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FULL_VCPU_MB = 1769;
const ROOT = '/sys/fs/cgroup/cpu';
const PERIOD_US = 100_000;

export const shareOf = (memoryMb: number) => Math.min(1, memoryMb / FULL_VCPU_MB);

/**
 * The command that runs `argv` under the CPU share of `memoryMb` (a shell that moves itself into
 * the cgroup, then execs), or a reason why it cannot.
 */
export function underCpuShare(memoryMb: number, argv: string[]): { argv: string[] } | { reason: string } {
  const group = join(ROOT, `herald-bench-${memoryMb}`);
  try {
    if (!existsSync(join(ROOT, 'cpu.cfs_quota_us'))) return { reason: 'no cgroup v1 CPU controller here' };
    mkdirSync(group, { recursive: true });
    writeFileSync(join(group, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(group, 'cpu.cfs_quota_us'), String(Math.round(shareOf(memoryMb) * PERIOD_US)));
  } catch (error) {
    return {
      reason: `cannot set a CPU quota here (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`,
    };
  }
  return { argv: ['sh', '-c', `echo $$ > ${join(group, 'cgroup.procs')} && exec "$@"`, 'sh', ...argv] };
}
