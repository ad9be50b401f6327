/**
 * The CDKTF app: one PipelineStack per environment config (config/<env>.json), or only the one chosen by
 * KPUFIT_ENV / the cdktf context `env`. Configs and the jar are validated before the App exists (its
 * constructor already creates cdktf.out), so a bad config exits non-zero with one line per problem and
 * writes nothing.
 */
import { App } from 'cdktf';
import { ConfigError } from './stacks/config';
import { planStacks } from './stacks/app-plan';
import { PipelineStack, PipelineStackProps } from './stacks/pipeline-stack';

/** The cdktf context as the CLI hands it to the app (cdktf.json "context" plus `--context` flags). */
function contextEnv(): unknown {
  const raw = process.env.CDKTF_CONTEXT_JSON;
  if (!raw) return undefined;
  try {
    return (JSON.parse(raw) as Record<string, unknown>).env;
  } catch {
    throw new ConfigError([`CDKTF_CONTEXT_JSON: not valid JSON`]);
  }
}

function main(): void {
  let plans: PipelineStackProps[];
  try {
    plans = planStacks({
      projectRoot: __dirname,
      envVar: process.env.KPUFIT_ENV,
      context: contextEnv(),
      jarOverride: process.env.KPUFIT_FLINK_JAR,
    });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    for (const line of e.problems) console.error(line);
    process.exit(1);
  }
  const app = new App();
  for (const plan of plans) new PipelineStack(app, plan.config.name, plan);
  app.synth();
}

main();
