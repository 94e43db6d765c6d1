module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'channels-shopify',
  rootDir: __dirname,
};
