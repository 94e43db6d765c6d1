module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'system',
  rootDir: __dirname,
  // The services run as processes from their build, as in production.
  globalSetup: '<rootDir>/build-services.js',
  testTimeout: 120_000,
};
