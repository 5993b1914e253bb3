import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { COMMANDS, INTERNAL_COMMANDS } from '../../src/vscode/commands';

interface Manifest {
  activationEvents: string[];
  contributes: {
    commands: { command: string; title: string; category?: string }[];
    menus: { commandPalette: { command: string; when?: string }[] };
    configuration: { properties: { [k: string]: { default?: unknown } } }[];
  };
}

const pkg = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')) as Manifest;

describe('command table vs package.json', () => {
  const ids = Object.values(COMMANDS) as string[];
  const contributed = pkg.contributes.commands.map((c) => c.command);

  it('every command in the table is contributed, and nothing else is', () => {
    assert.deepEqual([...contributed].sort(), [...ids].sort());
  });

  it('ids follow stabilityLens.verbNoun; titles are Title Case in category "Stability Lens"', () => {
    for (const c of pkg.contributes.commands) {
      assert.match(c.command, /^stabilityLens\.[a-z]+[A-Za-z]*$/, c.command);
      assert.equal(c.category, 'Stability Lens', c.command);
      for (const word of c.title.replace(/\.\.\.$/, '').split(' ')) {
        if (['as', 'with', 'in', 'for'].includes(word)) continue;
        assert.match(word, /^[A-Z]/, `${c.command}: '${c.title}'`);
      }
    }
  });

  it('every palette command has a when clause entry; internal commands are hidden', () => {
    const palette = new Map(pkg.contributes.menus.commandPalette.map((m) => [m.command, m.when]));
    for (const id of ids) assert.ok(palette.has(id), `${id} has no commandPalette entry`);
    for (const id of INTERNAL_COMMANDS) assert.equal(palette.get(id), 'false', id);
    for (const id of ids.filter((i) => !INTERNAL_COMMANDS.includes(i as never))) assert.notEqual(palette.get(id), 'false', id);
  });

  it('activation is narrow: languages, palette commands and the report panel, never *', () => {
    const ev = pkg.activationEvents;
    assert.ok(!ev.includes('*'));
    assert.ok(!ev.includes('onStartupFinished'));
    for (const l of ['typescript', 'javascript', 'typescriptreact', 'javascriptreact', 'json']) assert.ok(ev.includes(`onLanguage:${l}`), l);
    for (const id of ids.filter((i) => !INTERNAL_COMMANDS.includes(i as never))) assert.ok(ev.includes(`onCommand:${id}`), id);
    assert.ok(ev.includes('onWebviewPanel:stabilityLens.report'));
    for (const e of ev) assert.match(e, /^(onLanguage|onCommand|onWebviewPanel):/, e);
  });
});
