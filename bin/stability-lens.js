#!/usr/bin/env node
'use strict';
// The `stability-lens` command: the bundled CLI (built by `npm run build`, run by `npm start`).
const path = require('path');
const fs = require('fs');
const cli = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(cli)) {
  process.stderr.write('stability-lens: dist/cli.js is missing; run `npm run build` first.\n');
  process.exit(2);
}
require(cli);
