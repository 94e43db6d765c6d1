module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'availability-publisher',
  rootDir: __dirname,
};
