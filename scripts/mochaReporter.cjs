// Mocha reporter: the built-in 'spec' output, plus a {passed, failed, pending} summary written to
// $STABILITY_LENS_RESULTS (used by scripts/test.mjs to total all suites).
'use strict';
const fs = require('fs');
const path = require('path');
const Mocha = require('mocha');
const Base = Mocha.reporters.Base;
const Inner = process.env.STABILITY_LENS_REPORTER === 'dot' ? Mocha.reporters.Dot : Mocha.reporters.Spec;

class TotalsReporter extends Inner {
  constructor(runner, options) {
    super(runner, options);
    runner.once('end', () => {
      const out = process.env.STABILITY_LENS_RESULTS;
      if (!out) return;
      fs.mkdirSync(path.dirname(out), { recursive: true });
      const s = this.stats;
      fs.writeFileSync(out, JSON.stringify({ passed: s.passes, failed: s.failures, pending: s.pending }));
    });
  }
}
TotalsReporter.prototype.__proto__ = Inner.prototype;
module.exports = TotalsReporter;
void Base;
