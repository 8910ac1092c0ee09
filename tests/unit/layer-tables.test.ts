// The layer rule is written in TypeScript (src/model/config.ts) and in Python (trainer/vgan/config.py).
// This test keeps tests/fixtures/layer-tables.json equal to the TypeScript tables of every preset and model
// kind; trainer/tests/test_core.py compares the Python tables with the same file. After a deliberate change
// to the rule or the presets: UPDATE_FIXTURES=1 npx vitest run tests/unit/layer-tables.test.ts
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { architecture, presetConfig, presetNames, type ModelKind } from '../../src/model/config';

const FIXTURE = join(import.meta.dirname, '../fixtures/layer-tables.json');

function tables() {
  const out: Record<string, unknown> = {};
  for (const preset of presetNames) {
    for (const kind of ['unconditional', 'future'] as ModelKind[]) {
      const a = architecture(presetConfig(preset), kind);
      out[`${preset}/${kind}`] = {
        config: a.config,
        width: a.width,
        encoder: a.encoder,
        foreground: a.foreground,
        videoHead: a.videoHead,
        maskHead: a.maskHead,
        background: a.background,
        discriminator: a.discriminator,
        discriminatorHead: a.discriminatorHead,
      };
    }
  }
  return out;
}

it('the checked-in layer tables are the TypeScript rule’s, for every preset and model kind', () => {
  const now = tables();
  if (process.env.UPDATE_FIXTURES) writeFileSync(FIXTURE, `${JSON.stringify(now, null, 1)}\n`);
  expect(JSON.parse(readFileSync(FIXTURE, 'utf8'))).toEqual(now);
});
