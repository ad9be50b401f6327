/**
 * The CDKTF app: one PipelineStack per environment config (config/<env>.json), or only the one chosen by
 * KPUFIT_ENV / the cdktf context `env`. Configs and the jar are validated before any construct exists, so a
 * bad config exits non-zero with one line per problem and writes nothing to cdktf.out.
 */
import { App } from 'cdktf';
import { ConfigError } from './stacks/config';
import { planStacks } from './stacks/app-plan';
import { PipelineStack, PipelineStackProps } from './stacks/pipeline-stack';

function main(): void {
  const app = new App();
  let plans: PipelineStackProps[];
  try {
    plans = planStacks({
      projectRoot: __dirname,
      envVar: process.env.KPUFIT_ENV,
      context: app.node.tryGetContext('env'),
      jarOverride: process.env.KPUFIT_FLINK_JAR,
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const line of e.problems) console.error(line);
    process.exit(1);
  }
  for (const plan of plans) new PipelineStack(app, plan.config.name, plan);
  app.synth();
}

main();
