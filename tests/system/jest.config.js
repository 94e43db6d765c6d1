module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'system',
  rootDir: __dirname,
  // The services run as processes from their build, as in production.
  globalSetup: '<rootDir>/build-services.js',
  testTimeout: 120_000,
  // The chaos suite (tools/chaos, docs/reliability.md) is part of the default run: seed 1 with
  // every fault kind and the checker's own test, about three minutes on a quiet machine. A long
  // run sets CHAOS_SEEDS.
};
