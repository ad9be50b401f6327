/**
 * A cgroup (v1) CPU controller group of our own: how a local run gives its Flink JVM the CPU of n KPUs.
 * The quota is cores × cfs_period_us; usage comes from cpuacct.usage (ns) when the cpu and cpuacct
 * controllers share a hierarchy (they do where /sys/fs/cgroup/cpu links to cpu,cpuacct), else from the
 * cpuacct hierarchy's group of the same name. Every group created is removed by `remove()`, and the
 * clean-up registry (./cleanup.ts) removes the ones still alive on exit and on SIGINT/SIGTERM/SIGHUP.
 */
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { onProcessEnd } from './cleanup';

export const CPU_CGROUP_ROOT = '/sys/fs/cgroup/cpu';
const CPUACCT_ROOT = '/sys/fs/cgroup/cpuacct';
const PERIOD_US = 100_000;
/** cpu.shares of an emulated KPU group: 8x the default 1024 of everything else on the machine. */
const SHARES = 8192;

/** Why CPU cannot be emulated here, or null when a writable cgroup v1 CPU controller is present. */
export function cpuControllerUnavailable(root = CPU_CGROUP_ROOT): string | null {
  if (!existsSync(join(root, 'cpu.cfs_quota_us'))) {
    return `no cgroup v1 CPU controller at ${root} (cpu.cfs_quota_us missing)`;
  }
  const probe = join(root, `kpufit-probe-${process.pid}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return null;
  } catch (e) {
    return `the CPU controller at ${root} is not writable (${(e as NodeJS.ErrnoException).code ?? String(e)}): run as root or delegate it`;
  }
}

export class CpuCgroup {
  readonly path: string;
  private readonly usagePath: string;
  private removed = false;
  private unregister: () => void = () => undefined;
  private readonly children: CpuCgroup[] = [];

  private constructor(readonly name: string, root: string, separateAccounting = true) {
    this.path = join(root, name);
    const shared = join(this.path, 'cpuacct.usage');
    this.usagePath = shared;
    if (separateAccounting && !existsSync(shared) && existsSync(CPUACCT_ROOT)) {
      const separate = join(CPUACCT_ROOT, name);
      mkdirSync(separate, { recursive: true });
      this.usagePath = join(separate, 'cpuacct.usage');
    }
  }

  /** Creates the group (a unique name under the root) with no quota yet. */
  static create(label: string, root = CPU_CGROUP_ROOT): CpuCgroup {
    const name = `kpufit-${label}-${process.pid}-${Date.now().toString(36)}`;
    mkdirSync(join(root, name));
    const group = new CpuCgroup(name, root);
    group.unregister = onProcessEnd(() => group.remove());
    return group;
  }

  /**
   * Limits the group to `cores` CPUs on average (CFS quota over a 100 ms period); null lifts the limit. The
   * group's cpu.shares is raised too, so that on a busy machine the group gets its quota rather than a
   * share of it: an emulated KPU's vCPU is a guarantee, not only a cap (it never takes more than the quota).
   */
  setQuota(cores: number | null): void {
    writeFileSync(join(this.path, 'cpu.shares'), String(SHARES));
    writeFileSync(join(this.path, 'cpu.cfs_period_us'), String(PERIOD_US));
    writeFileSync(join(this.path, 'cpu.cfs_quota_us'), cores === null ? '-1' : String(Math.max(1000, Math.round(cores * PERIOD_US))));
  }

  /**
   * A group nested in this one, with its own usage (where cpuacct is a separate hierarchy, a nested group
   * there too; the parent's usage still counts its children's). Its quota caps the threads moved into it;
   * the parent's quota still caps the parent and children together.
   */
  child(label: string): CpuCgroup {
    mkdirSync(join(this.path, label));
    const group = new CpuCgroup(join(this.name, label), join(this.path, '..'));
    this.children.push(group);
    return group;
  }

  /** The group's directory in a separate cpuacct hierarchy, or null where cpu and cpuacct share one. */
  private get accountingDir(): string | null {
    return this.usagePath !== join(this.path, 'cpuacct.usage') ? join(this.usagePath, '..') : null;
  }

  /** Moves one thread (a Linux thread id) into the group, in both hierarchies; the rest of its process stays where it is. */
  addThread(tid: number): void {
    writeFileSync(join(this.path, 'tasks'), String(tid));
    const acct = this.accountingDir;
    if (acct) writeFileSync(join(acct, 'tasks'), String(tid));
  }

  /** Moves a running process (every thread) into the group. */
  addProcess(pid: number): void {
    writeFileSync(join(this.path, 'cgroup.procs'), String(pid));
  }

  /** CPU time used by the group's processes so far, nanoseconds. */
  usageNs(): number {
    return Number(readFileSync(this.usagePath, 'utf8').trim());
  }

  /** The shell line that moves itself into this group before exec'ing a command (so every thread starts inside). */
  enterCommand(): string {
    const files = [join(this.path, 'cgroup.procs')];
    if (this.accountingDir) files.push(join(this.accountingDir, 'cgroup.procs'));
    return files.map((f) => `echo $$ > '${f}'`).join(' && ');
  }

  /**
   * Removes the group. A cgroup can only be removed once empty, so its children's threads go back to it and
   * its processes back to the root first (the caller stops them; this never kills anything).
   */
  remove(): void {
    if (this.removed) return;
    this.removed = true;
    this.unregister();
    for (const c of this.children) {
      c.removed = true;
      emptyAndRemove(c.path, this.path, 'tasks');
      const acct = c.accountingDir;
      if (acct && this.accountingDir) emptyAndRemove(acct, this.accountingDir, 'tasks');
    }
    emptyAndRemove(this.path, join(this.path, '..'), 'cgroup.procs');
    const acct = this.accountingDir;
    if (acct) emptyAndRemove(acct, join(acct, '..'), 'cgroup.procs');
  }
}

/** Moves every member (`tasks`: threads, `cgroup.procs`: processes) of `dir` into `parent`, then removes `dir`. */
function emptyAndRemove(dir: string, parent: string, members: 'tasks' | 'cgroup.procs'): void {
  try {
    for (const id of readFileSync(join(dir, members), 'utf8').split('\n').filter(Boolean)) {
      try {
        writeFileSync(join(parent, members), id);
      } catch {
        // it ended meanwhile
      }
    }
    rmdirSync(dir);
  } catch {
    // already gone
  }
}
