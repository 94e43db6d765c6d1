module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'tooling',
  rootDir: __dirname,
};
