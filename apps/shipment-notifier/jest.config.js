module.exports = {
  ...require('../../jest.preset.js'),
  displayName: 'shipment-notifier',
  rootDir: __dirname,
};
