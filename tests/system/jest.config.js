module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'system',
  rootDir: __dirname,
  // The services run as processes from their build, as in production.
  globalSetup: '<rootDir>/build-services.js',
  testTimeout: 120_000,
  // The chaos suite (tools/chaos, docs/reliability.md) runs when asked for: HOLDFAST_CHAOS=1, or a
  // chaos run's own settings (CHAOS_SEEDS). Its seed with every fault kind takes several minutes and
  // is not yet proven green on the current workload, so the default test command leaves it out.
  testPathIgnorePatterns:
    process.env['HOLDFAST_CHAOS'] || process.env['CHAOS_SEEDS']
      ? ['/node_modules/']
      : ['/node_modules/', 'chaos\\.e2e-spec\\.ts$'],
};
