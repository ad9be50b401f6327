/**
 * Synthesizes the dev stack once more with every opt-in consumer switched on (QuickSight needs an account
 * subscription, so no committed config enables it), into <CDKTF_OUTDIR>/opt-in, so the security gate
 * (scripts/checkov.sh) scans resources no environment deploys by default. Not a deployable environment.
 */
import * as path from 'node:path';
import { App } from 'cdktf';
import { loadConfig, parseConfig, resolveFlinkJar } from '../stacks/config';
import { PipelineStack } from '../stacks/pipeline-stack';

const root = path.resolve(__dirname, '..');
const base = loadConfig('dev', root);
const config = parseConfig({
  ...base, name: `${base.name}-opt-in`,
  consumers: { ...base.consumers, rawArchive: { enabled: true }, analyticsCatalog: { enabled: true }, quickSight: { enabled: true } },
}, 'config/dev.json (opt-in consumers on)');
const app = new App({ outdir: path.join(process.env.CDKTF_OUTDIR ?? 'cdktf.out', 'opt-in') });
new PipelineStack(app, config.name, {
  environment: 'dev', config, flinkJarPath: resolveFlinkJar(config, 'dev', root, process.env.KPUFIT_FLINK_JAR),
});
app.synth();
