// Installs node_modules with `npm ci` when they are missing or older than the lockfile, so `npm run demo`
// and `npm test` work on a fresh clone. Plain JavaScript: it runs before any dependency exists.
const { execSync } = require('node:child_process');
const { existsSync, statSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');

function ensureDeps() {
  const marker = path.join(root, 'node_modules', '.package-lock.json');
  const lock = path.join(root, 'package-lock.json');
  if (existsSync(marker) && statSync(marker).mtimeMs >= statSync(lock).mtimeMs) return;
  process.stderr.write('[setup] installing dependencies (npm ci)\n');
  execSync('npm ci --no-audit --no-fund', { cwd: root, stdio: 'inherit' });
}

module.exports = { ensureDeps, root };
if (require.main === module) ensureDeps();
