/**
 * The import rules of kpufit, checked by `npm run lint:deps` (part of `npm test`). The picture they keep:
 *
 *   core/  ◄──  simulator/  ◄──  calibration/ (algorithm ◄ loop ◄ adapters ◄ cli)
 *     ▲                                   
 *     └──────  stacks/  ◄── main.ts
 *
 * core/ holds what every part shares (AWS-shaped API contracts, AWS facts and prices, the metric catalogue,
 * clock, validation, rate profiles, PRNG) and imports nothing else of the repository.
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Files must not import each other, directly or through others.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-neutral',
      severity: 'error',
      comment: 'core/ is the shared ground: it imports nothing else of the repository.',
      from: { path: '^core/' },
      to: { path: '^(calibration|simulator|stacks|scripts|bench|__tests__|bin)/|^main\\.ts$' },
    },
    {
      name: 'simulator-below-calibration',
      severity: 'error',
      comment: 'The simulator (load generator, twin) is a world the calibrator drives; it never depends on the calibrator.',
      from: { path: '^simulator/' },
      to: { path: '^(calibration|stacks)/' },
    },
    {
      name: 'stacks-only-core',
      severity: 'error',
      comment: 'The infrastructure code shares facts with the rest only through core/.',
      from: { path: '^stacks/' },
      to: { path: '^(calibration|simulator|scripts|bench)/' },
    },
    {
      name: 'algorithm-only-core-and-ports',
      severity: 'error',
      comment: 'The calibration algorithm sees the world through its ports and its own domain types only.',
      from: { path: '^calibration/algorithm/' },
      to: { path: '^(simulator|stacks)/|^calibration/(adapters|aws|cli|report|baselines|local)/' },
    },
    {
      name: 'autoscaler-policy-only-core-and-ports',
      severity: 'error',
      comment: 'The autoscaling policy is pure and shared by the Lambda and the simulator: it sees the world through the calibrator\'s ports and its own port types, and reuses the algorithm\'s capacity model. Only its lambda/ entry wires adapters.',
      from: { path: '^calibration/autoscaler/', pathNot: '^calibration/autoscaler/lambda/' },
      to: { path: '^(simulator|stacks)/|^node_modules/@aws-sdk/|^calibration/(adapters|aws|cli|report|baselines|local|autoscale-sim)/|^calibration/(calibrate|trial-runner|twin-calibration)\\.ts$' },
    },
    {
      name: 'loop-not-on-sdk',
      severity: 'error',
      comment: 'The calibrator loop, its ports and the algorithm never touch an SDK, the twin or Flink REST.',
      from: { path: '^calibration/(algorithm/|ports\\.ts|calibrate\\.ts|trial-runner\\.ts|run/)' },
      to: { path: '^(simulator/|node_modules/@aws-sdk/)|^calibration/(adapters|aws|cli|local)/' },
    },
    {
      name: 'nothing-imports-the-cli',
      severity: 'error',
      comment: 'The CLI is the outermost ring (with the dev scripts and benchmarks, which are entry points too): commands map domain errors to exit codes, nothing inside depends on them.',
      from: { pathNot: '^(calibration/cli|__tests__|scripts|bench)/' },
      to: { path: '^calibration/cli/' },
    },
    {
      name: 'production-not-on-scripts',
      severity: 'error',
      comment: 'Dev scripts are entry points: production code (the local target included) never imports them; what both need lives in calibration/local/.',
      from: { pathNot: '^(scripts|bench|__tests__)/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'production-not-on-tests',
      severity: 'error',
      comment: 'Test doubles live in __tests__/; production code never imports them.',
      from: { pathNot: '^__tests__/' },
      to: { path: '^__tests__/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|cdktf\\.out|flink-app|coverage|reports)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
