import assert from 'node:assert/strict';
import { isAnalysedLanguage, mentionsTfjs } from '../../../src/vscode/textCheck';

describe('cheap text check', () => {
  it('accepts code that mentions tfjs or a layers API', () => {
    for (const t of [
      "import * as tf from '@tensorflow/tfjs';",
      "const tf = require('@tensorflow/tfjs-node');",
      'declare const tf: any; const m = tf.sequential();',
      'model.add(tf . layers.dense({units: 4}));',
      "import {layers} from 'x'; layers.dense({units: 3})",
      'const m = sequential({layers: []})',
      'class Block extends tf.layers.Layer {}',
    ])
      assert.ok(mentionsTfjs(t, 'typescript'), t);
  });

  it('rejects code that never mentions them', () => {
    for (const t of ['export const x = 1;', "import React from 'react'; const layers = [];", 'function dense() { return 1 }', 'const s = "tensorflow";'])
      assert.ok(!mentionsTfjs(t, 'javascript'), t);
  });

  it('JSON: only tfjs model topologies', () => {
    assert.ok(mentionsTfjs('{"modelTopology": {"class_name": "Sequential", "config": {"layers": []}}}', 'json'));
    assert.ok(mentionsTfjs('{"class_name": "Sequential", "config": {"layers": []}}', 'json'));
    assert.ok(!mentionsTfjs('{"name": "pkg", "dependencies": {"@tensorflow/tfjs": "4"}}', 'json'));
    assert.ok(!mentionsTfjs('{"compilerOptions": {}}', 'json'));
  });

  it('languages', () => {
    for (const l of ['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'json']) assert.ok(isAnalysedLanguage(l));
    for (const l of ['python', 'markdown', 'jsonc', 'plaintext']) assert.ok(!isAnalysedLanguage(l));
  });
});
