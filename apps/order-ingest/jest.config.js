module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'order-ingest',
  rootDir: __dirname,
};
