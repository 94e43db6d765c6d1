module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'sp-api-simulator',
  rootDir: __dirname,
};
