/**
 * Decides what `cdktf synth` builds, before anything is built: which environments, each one's validated
 * config and the jar it deploys. Every problem of every environment is collected into one ConfigError, so
 * the user sees them all at once and main.ts can exit before a single file is written.
 */
import { ConfigError, loadConfig, resolveFlinkJar, selectEnvironments } from './config';
import { PipelineStackProps } from './pipeline-stack';

export interface PlanInputs {
  /** Directory holding config/ and the paths configs refer to. */
  readonly projectRoot: string;
  /** KPUFIT_ENV. */
  readonly envVar?: string;
  /** The cdktf context value `env`. */
  readonly context?: unknown;
  /** KPUFIT_FLINK_JAR. */
  readonly jarOverride?: string;
}

export function planStacks(inputs: PlanInputs): PipelineStackProps[] {
  const environments = selectEnvironments(inputs.envVar, inputs.context);
  const plans: PipelineStackProps[] = [];
  const problems: string[] = [];
  for (const environment of environments) {
    try {
      const config = loadConfig(environment, inputs.projectRoot);
      const flinkJarPath = resolveFlinkJar(config, environment, inputs.projectRoot, inputs.jarOverride);
      plans.push({ environment, config, flinkJarPath });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems);
    }
  }
  // A bad KPUFIT_FLINK_JAR fails every environment the same way: say it once.
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  const names = plans.map((p) => p.config.name);
  const duplicate = names.find((n, i) => names.indexOf(n) !== i);
  if (duplicate) throw new ConfigError([`config/*.json: name: "${duplicate}" is used by two environments; stack names must differ`]);
  return plans;
}
