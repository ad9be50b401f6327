import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CpuCgroup, CPU_CGROUP_ROOT, cpuControllerUnavailable } from '../../../calibration/local/cpu-cgroup';

const unavailable = cpuControllerUnavailable();
if (unavailable) {
  // eslint-disable-next-line no-console
  console.warn(`cpu-cgroup tests skipped: ${unavailable}`);
}
const onController = unavailable ? describe.skip : describe;

/** The thread ids of a process (its /proc task list). */
function threadsOf(pid: number): number[] {
  return readdirSync(`/proc/${pid}/task`).map(Number);
}

onController('cpu-cgroup: an emulated KPU nested in the job\'s group (real cgroup v1 CPU controller)', () => {
  it('caps a child group at its own quota, holds the one thread moved into it, and removes itself and its children', async () => {
    const job = CpuCgroup.create('test-job');
    const child = spawn('/bin/sh', ['-c', 'sleep 30'], { stdio: 'ignore' });
    try {
      job.setQuota(1.5);
      const kpu = job.child('kpu-0');
      kpu.setQuota(0.5);
      expect(readFileSync(join(job.path, 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('150000');
      expect(readFileSync(join(job.path, 'kpu-0', 'cpu.cfs_quota_us'), 'utf8').trim()).toBe('50000');
      expect(kpu.path).toBe(join(CPU_CGROUP_ROOT, job.name, 'kpu-0'));

      const [tid] = threadsOf(child.pid!);
      kpu.addThread(tid);
      expect(readFileSync(join(kpu.path, 'tasks'), 'utf8').trim().split('\n').map(Number)).toEqual([tid]);
      // In the CPU hierarchy and in the accounting one (separate here or shared), so the KPU has its own usage.
      const lines = readFileSync(`/proc/${tid}/cgroup`, 'utf8').split('\n').filter((l) => /:(cpu|cpuacct|cpu,cpuacct|cpuacct,cpu):/.test(l));
      expect(lines.length).toBeGreaterThanOrEqual(1);
      for (const l of lines) expect(l.endsWith(`/${job.name}/kpu-0`)).toBe(true);
      expect(kpu.usageNs()).toBeGreaterThanOrEqual(0);
      expect(kpu.usageNs()).toBeLessThanOrEqual(job.usageNs());
    } finally {
      job.remove();
      child.kill('SIGKILL');
    }
    expect(existsSync(join(job.path, 'kpu-0'))).toBe(false);
    expect(existsSync(job.path)).toBe(false);
  });
});
