#!/usr/bin/env node
// The `reimage` command. TypeScript sources run through tsx's CommonJS require hook: no build step.
// The one error boundary is src/cli/index.ts.
require('tsx/cjs/api').register();
require('../src/cli/index.ts')
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
