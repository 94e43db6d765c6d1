module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'inventory-reservation',
  rootDir: __dirname,
};
