/** The Flink job from the shaded jar, in a local MiniCluster (REST API on 127.0.0.1), as `--properties` runs it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { packageRoot } from '../../core/package-root';
import { onProcessEnd } from './cleanup';
import type { CpuCgroup } from './cpu-cgroup';

const FLINK_APP = join(packageRoot(), 'flink-app');
export const JAR = join(FLINK_APP, 'target', 'kpufit-flink-app.jar');
const CLASSPATH = join(FLINK_APP, 'target', 'local-classpath.txt');
const MAIN_CLASS = 'dev.kpufit.flink.StreamingJob';

/** Property groups in the shape Managed Flink hands the job: { GroupId: { key: value } }. */
export type PropertyGroups = Record<string, Record<string, string>>;

export interface LocalJob {
  restUrl: string;
  pid: number | undefined;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The `--add-opens` flags Flink's serializers need on JDK 17, kept in one place: the pom's jdk17.opens. */
export function jdk17Opens(): string[] {
  const pom = readFileSync(join(FLINK_APP, 'pom.xml'), 'utf8');
  const match = /<jdk17\.opens>([^<]+)<\/jdk17\.opens>/.exec(pom);
  if (!match) throw new Error('flink-app/pom.xml: property jdk17.opens not found');
  return match[1].trim().split(/\s+/);
}

export function assertJarBuilt(): void {
  if (!existsSync(JAR) || !existsSync(CLASSPATH)) {
    throw new Error(`${JAR} or its local classpath is missing: run \`npm run build:flink\` first`);
  }
}

export function startLocalJob(options: {
  properties: PropertyGroups;
  workDir: string;
  restPort: number;
  parallelism: number;
  checkpointIntervalMs: number;
  /** Restore from this savepoint instead of starting fresh. */
  fromSavepoint?: string;
  /** MiniCluster layout: TaskManagers and slots on each. @default one TaskManager with `parallelism` slots */
  taskManagers?: number;
  slotsPerTaskManager?: number;
  /** -Xmx of the JVM, MB. @default 1024 */
  heapMb?: number;
  /** Start the JVM inside this CPU cgroup (every thread, from the first). @default none */
  cgroup?: CpuCgroup;
  /** Log file name in workDir. @default job.log */
  logName?: string;
}): LocalJob {
  assertJarBuilt();
  const propertiesFile = join(options.workDir, 'application-properties.json');
  writeFileSync(propertiesFile, JSON.stringify(options.properties, null, 2));
  const classpath = [JAR, ...readFileSync(CLASSPATH, 'utf8').trim().split(delimiter)].join(delimiter);
  const logFile = join(options.workDir, options.logName ?? 'job.log');
  const log = createWriteStream(logFile, { flags: 'a' });
  const javaArgs = [
    ...jdk17Opens(),
    `-Xmx${options.heapMb ?? 1024}m`,
    `-Dlog4j.configurationFile=${join(FLINK_APP, 'local', 'log4j2-local.properties')}`,
    `-Dkpufit.log.file=${join(options.workDir, 'flink.log')}`,
    '-cp',
    classpath,
    MAIN_CLASS,
    '--properties',
    propertiesFile,
    '--rest-port',
    String(options.restPort),
    '--parallelism',
    String(options.parallelism),
    '--checkpoint-interval-ms',
    String(options.checkpointIntervalMs),
    ...(options.fromSavepoint ? ['--from-savepoint', options.fromSavepoint] : []),
    ...(options.taskManagers ? ['--task-managers', String(options.taskManagers)] : []),
    ...(options.slotsPerTaskManager ? ['--slots-per-task-manager', String(options.slotsPerTaskManager)] : []),
  ];
  // In a cgroup: a shell joins it and then exec's java, so the JVM (same pid) never runs a thread outside.
  const child: ChildProcess = options.cgroup
    ? spawn('/bin/sh', ['-c', `${options.cgroup.enterCommand()} && exec java "$@"`, 'sh', ...javaArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
    : spawn('java', javaArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
  const unregister = onProcessEnd(() => void child.kill('SIGKILL'));
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => {
    unregister();
    r(code);
  }));
  return {
    restUrl: `http://127.0.0.1:${options.restPort}`,
    pid: child.pid,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const done = await Promise.race([exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 10_000))]);
        if (!done) child.kill('SIGKILL');
      }
      log.end();
    },
  };
}
