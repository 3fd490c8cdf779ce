// `npm run demo`: installs what is missing (npm ci), then runs `reimage demo`. Plain JavaScript: it runs
// before any dependency exists.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureDeps, root } = require('./ensure-deps');

ensureDeps();
const result = spawnSync(process.execPath, [path.join(root, 'bin', 'reimage.js'), 'demo'], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
