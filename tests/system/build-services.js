// Builds every app once before the system tests start them as processes.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  execFileSync(process.execPath, [path.join(__dirname, '../../tools/build.mjs')], { stdio: 'inherit' });
};
