/**
 * `npm run synth:hcl` (cdktf synth --hcl) must give Terraform that parses. cdktf's HCL writer mangles JSON
 * strings holding references (hashicorp/terraform-cdk#3911), so policies render as jsonencode() there.
 */
import { spawnSync } from 'node:child_process';
import { Testing } from 'cdktf';
import { loadConfig, parseConfig } from '../../stacks/config';
import { PipelineStack } from '../../stacks/pipeline-stack';
import { fixtureJar, projectRoot } from './helpers';

function prodHcl(): string {
  const previous = process.env.SYNTH_HCL_OUTPUT;
  process.env.SYNTH_HCL_OUTPUT = 'true';
  try {
    const config = parseConfig(loadConfig('prod', projectRoot), 'config/prod.json');
    const stack = new PipelineStack(Testing.app(), config.name, { environment: 'prod', config, flinkJarPath: fixtureJar });
    const hcl = Testing.synthHcl(stack) as string;
    return typeof hcl === 'string' ? hcl : JSON.stringify(hcl);
  } finally {
    if (previous === undefined) delete process.env.SYNTH_HCL_OUTPUT;
    else process.env.SYNTH_HCL_OUTPUT = previous;
  }
}

const terraformAvailable = spawnSync('terraform', ['version'], { encoding: 'utf8' }).status === 0;
if (!terraformAvailable) console.warn('HCL syntax check SKIPPED: the terraform CLI is not on PATH (terraform fmt parses HCL without providers)');

describe('HCL export', () => {
  const hcl = prodHcl();

  it('renders every policy document as jsonencode({...})', () => {
    for (const resource of ['aws_kms_key', 'aws_iam_role_policy', 'aws_s3_bucket_policy', 'aws_sns_topic_policy']) {
      expect(hcl).toMatch(new RegExp(`resource "${resource}"[^]*?policy\\s*= "\\$\\{jsonencode\\(\\{\\s*"Version" = "2012-10-17"`));
    }
    expect(hcl).toMatch(/assume_role_policy\s*= "\$\{jsonencode\(\{\s*"Version" = "2012-10-17"/);
  });

  it('has no JSON string broken into HCL tokens', () => {
    expect(hcl).not.toMatch(/" Version "|" Statement "/);
  });

  (terraformAvailable ? it : it.skip)('parses as HCL (terraform fmt)', () => {
    const fmt = spawnSync('terraform', ['fmt', '-no-color', '-'], { input: hcl, encoding: 'utf8' });
    expect(fmt.stderr.replace(/There are some problems with the CLI configuration:[^]*?╵\n*/g, '')).toBe('');
    expect(fmt.status).toBe(0);
  });
});
