// Builds every app once before the system tests start them as processes. tools/test-all.sh
// builds before its lanes start and sets HOLDFAST_BUILT=1: a second build while the other lane's
// services run (and restart) from dist/ would rewrite files under them.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

module.exports = async () => {
  if (process.env['HOLDFAST_BUILT'] === '1') return;
  execFileSync(process.execPath, [path.join(__dirname, '../../tools/build.mjs')], { stdio: 'inherit' });
};
