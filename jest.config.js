// Every project's tests in one run: the README's test command uses this.
const fs = require('node:fs');
const path = require('node:path');

function findConfigs(dir, depth = 0) {
  if (depth > 3 || !fs.existsSync(dir)) return [];
  const found = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === 'node_modules' || entry.name === 'src') continue;
    const sub = path.join(dir, entry.name);
    if (fs.existsSync(path.join(sub, 'jest.config.js'))) found.push(`<rootDir>/${path.relative(__dirname, sub)}`);
    else found.push(...findConfigs(sub, depth + 1));
  }
  return found;
}

module.exports = {
  // A global option: project configs cannot set it for a multi-project run.
  testTimeout: 120_000,
  projects: ['apps', 'libs', 'tools', 'tests'].flatMap((dir) => findConfigs(path.join(__dirname, dir))),
};
