module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'shop-simulator',
  rootDir: __dirname,
};
