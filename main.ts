/**
 * The CDKTF app: one PipelineStack per environment config (config/<env>.json). Every config is loaded and
 * validated, and the jar checked, before anything is synthesized, so a bad config exits non-zero with one
 * line per problem and writes nothing to cdktf.out.
 */
import { App } from 'cdktf';
import { ConfigError, loadConfig, resolveFlinkJar, selectEnvironments } from './stacks/config';
import { PipelineStack, PipelineStackProps } from './stacks/pipeline-stack';

const projectRoot = __dirname;

function planStacks(app: App): PipelineStackProps[] {
  const environments = selectEnvironments(process.env.KPUFIT_ENV, app.node.tryGetContext('env'));
  const plans: PipelineStackProps[] = [];
  const problems: string[] = [];
  for (const environment of environments) {
    try {
      const config = loadConfig(environment, projectRoot);
      const flinkJarPath = resolveFlinkJar(config, environment, projectRoot, process.env.KPUFIT_FLINK_JAR);
      plans.push({ environment, config, flinkJarPath });
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      problems.push(...e.problems); // keep going: report every environment's problems at once
    }
  }
  // A bad KPUFIT_FLINK_JAR fails every environment the same way: say it once.
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return plans;
}

function main(): void {
  const app = new App();
  let plans: PipelineStackProps[];
  try {
    plans = planStacks(app);
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const line of e.problems) console.error(line);
    process.exit(1);
  }
  for (const plan of plans) new PipelineStack(app, plan.config.name, plan);
  app.synth();
}

main();
