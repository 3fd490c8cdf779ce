// `npm run demo`: installs what is missing (npm ci), then runs testkit/demo/main.ts through tsx's require
// hook. Plain JavaScript: it runs before any dependency exists. The demo is not a `reimage` command: it
// composes the whole stack from testkit/, which sits above the CLI and is not shipped in the worker image.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ensureDeps, root } = require('./ensure-deps');

ensureDeps();
const result = spawnSync(process.execPath, ['--require', 'tsx/cjs', path.join(root, 'testkit', 'demo', 'main.ts')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
