module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'channels-woocommerce',
  rootDir: __dirname,
};
