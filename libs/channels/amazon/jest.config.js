module.exports = {
  ...require('../../../jest.preset.js'),
  displayName: 'channels-amazon',
  rootDir: __dirname,
};
