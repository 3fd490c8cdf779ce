#!/usr/bin/env node
// The `reimage` command. TypeScript sources run through tsx's require hook (no build step), and the
// one error boundary lives in src/cli/index.ts.
require('tsx/cjs/api').register();
require('../src/cli/index.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
