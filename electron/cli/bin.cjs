#!/usr/bin/env node
'use strict';
// The `concordat` command. The TypeScript sources are bundled into out/node by `npm run build`
// (run by `npm ci` through the prepare script); this launcher only finds that bundle.
const fs = require('node:fs');
const path = require('node:path');

const bundle = path.join(__dirname, '..', '..', 'out', 'node', 'cli.cjs');
if (!fs.existsSync(bundle)) {
  process.stderr.write('Concordat is not built yet: run `npm run build` in ' + path.join(__dirname, '..', '..') + '.\n');
  process.exit(1);
}
require(bundle)
  .main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  });
