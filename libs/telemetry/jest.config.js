const preset = require('../../jest.preset.js');

// The preset's SWC transform also reads the root .swcrc, whose build `exclude` list skips
// every *.spec.ts. `swcrc: false` keeps the transform to the preset's own options.
// Drop this once jest.preset.js sets it.
const transform = Object.fromEntries(
  Object.entries(preset.transform).map(([pattern, [transformer, options]]) => [
    pattern,
    [transformer, { ...options, swcrc: false }],
  ]),
);

module.exports = {
  ...preset,
  transform,
  displayName: 'telemetry',
  rootDir: __dirname,
};
