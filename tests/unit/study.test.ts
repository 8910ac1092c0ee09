import { describe, expect, it } from 'vitest';
import {
  ALL,
  chosenSource,
  comparisonsIn,
  formatCell,
  formatTable,
  makeTrials,
  preference,
  staticClip,
  studyTable,
  wilson,
  type Answer,
} from '../../src/eval/study';
import { answersToCsv, answersToJson, mergeAnswers, parseAnswers, StudyFileError } from '../../src/eval/study-files';

let counter = 0;
function answer(left: string, right: string, chosen: 'left' | 'right', patch: Partial<Answer> = {}): Answer {
  counter++;
  return {
    id: `a${counter}`,
    participant: 'p1',
    study: 'class',
    category: 'shapes',
    trial: counter,
    left,
    right,
    leftClip: 0,
    rightClip: 1,
    chosen,
    ms: 1200,
    time: '2026-01-01T00:00:00.000Z',
    ...patch,
  };
}

describe('Wilson score interval', () => {
  // Hand-computed with z = 1.959964: centre (p + z²/2n)/(1 + z²/n), half-width z/(1 + z²/n)·√(p(1−p)/n + z²/4n²).
  it('matches hand-computed cases', () => {
    const cases: Array<[number, number, number, number]> = [
      [7, 10, 0.39678, 0.892208],
      [0, 5, 0, 0.434482],
      [50, 100, 0.403832, 0.596168],
      [5, 5, 0.565518, 1],
    ];
    for (const [k, n, low, high] of cases) {
      const w = wilson(k, n)!;
      expect(w.low).toBeCloseTo(low, 5);
      expect(w.high).toBeCloseTo(high, 5);
    }
    expect(wilson(0, 0)).toBeNull();
  });
});

describe('trials', () => {
  const comparisons = [
    { prefer: 'vgan', over: 'autoencoder' },
    { prefer: 'vgan', over: 'real' },
  ];
  const pools = { vgan: 8, autoencoder: 4, real: 6 };

  it('covers every comparison, on both sides, with clips inside the pools; seeded', () => {
    const trials = makeTrials(comparisons, 20, pools, 3);
    expect(trials).toHaveLength(40);
    expect(trials.map((t) => t.index)).toEqual([...Array(40).keys()]);
    expect(trials.filter((t) => [t.left.source, t.right.source].includes('real'))).toHaveLength(20);
    const vganLeft = trials.filter((t) => t.left.source === 'vgan').length;
    expect(vganLeft).toBeGreaterThan(10);
    expect(vganLeft).toBeLessThan(30);
    for (const t of trials) for (const side of [t.left, t.right]) expect(side.clip).toBeLessThan(pools[side.source as keyof typeof pools]);
    expect(makeTrials(comparisons, 20, pools, 3)).toEqual(trials);
    expect(makeTrials(comparisons, 20, pools, 4)).not.toEqual(trials);
  });

  it('refuses a source without clips or a comparison of a source with itself', () => {
    expect(() => makeTrials([{ prefer: 'vgan', over: 'static' }], 1, pools, 1)).toThrow(/"static" has no clips/);
    expect(() => makeTrials([{ prefer: 'vgan', over: 'vgan' }], 1, pools, 1)).toThrow(/two different sources/);
  });

  it('makes a static clip of the first frame', () => {
    const clip = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), frames: 2, size: 1, channels: 3 as const };
    expect(Array.from(staticClip(clip).data)).toEqual([1, 2, 3, 1, 2, 3]);
  });
});

describe('statistics', () => {
  it('counts preferences whichever side the preferred source was on, per category and pooled', () => {
    const answers = [
      answer('vgan', 'real', 'left'),
      answer('real', 'vgan', 'right'),
      answer('real', 'vgan', 'left'),
      answer('vgan', 'real', 'left', { category: 'real' }),
      answer('vgan', 'autoencoder', 'right'),
    ];
    expect(preference(answers, { prefer: 'vgan', over: 'real' }, 'shapes')).toMatchObject({ wins: 2, n: 3 });
    expect(preference(answers, { prefer: 'vgan', over: 'real' })).toMatchObject({ wins: 3, n: 4, rate: 0.75 });
    expect(comparisonsIn(answers)).toEqual([
      { prefer: 'vgan', over: 'autoencoder' },
      { prefer: 'vgan', over: 'real' },
    ]);
    const table = studyTable(answers);
    expect(table.columns).toEqual(['real', 'shapes', ALL]);
    expect(table.rows[0].cells.shapes).toMatchObject({ wins: 0, n: 1 });
    expect(table.rows[1].cells.real).toMatchObject({ wins: 1, n: 1 });
    expect(table.rows[0].cells.real.rate).toBeNull();
    expect(formatCell(table.rows[1].cells[ALL])).toBe('75% [30–95] n=4');
    expect(formatCell(table.rows[0].cells.real)).toBe('–');
    const text = formatTable(table, { vgan: 'VGAN', real: 'Real' }).split('\n');
    expect(text[1]).toBe('Random preference\t50%\t50%\t50%');
    expect(text[3]).toMatch(/^Prefer VGAN over Real\t/);
  });
});

describe('answer files', () => {
  const answers = [answer('vgan', 'real', 'left'), answer('static', 'vgan', 'right', { study: 'class "B", room 2\nafternoon' })];

  it('round-trips CSV (quotes, commas, line breaks) and JSON', () => {
    expect(parseAnswers(answersToCsv(answers))).toEqual(answers);
    expect(parseAnswers(answersToCsv(answers.slice(0, 1)).replace(/\n/g, '\r\n'))).toEqual(answers.slice(0, 1));
    expect(parseAnswers(answersToJson(answers))).toEqual(answers);
    expect(chosenSource(answers[1])).toBe('vgan');
  });

  it('merges several browsers’ files, deduplicating by answer id', () => {
    const other = [answer('vgan', 'autoencoder', 'left', { participant: 'p2' })];
    const changed = { ...answers[0], chosen: 'right' as const };
    const merged = mergeAnswers(answers, other, answers, [changed]);
    expect(merged.answers.map((a) => a.id)).toEqual([answers[0].id, answers[1].id, other[0].id]);
    expect(merged.duplicates).toBe(2);
    expect(merged.conflicts).toEqual([answers[0].id]);
    expect(merged.answers[0].chosen).toBe('left');
  });

  it('rejects malformed files with errors that say where', () => {
    const csv = answersToCsv(answers);
    const bad = (text: string, message: RegExp) => {
      expect(() => parseAnswers(text, 'f.csv')).toThrow(StudyFileError);
      expect(() => parseAnswers(text, 'f.csv')).toThrow(message);
    };
    bad('', /f.csv: the file is empty/);
    bad('{"format": "vgan-study", ', /not valid JSON/);
    bad('{"format": "other", "version": 1, "answers": []}', /not a study file/);
    bad('{"format": "vgan-study", "version": 1, "answers": [{"id": "x"}]}', /answer 1: missing "participant"/);
    bad('name,age\nbob,3\n', /header lacks id, participant/);
    bad(csv.replace(',left,1200,', ',middle,1200,'), /line 2: "chosen" must be "left" or "right", got "middle"/);
    bad(csv.replace(',1200,', ',soon,'), /line 2: "ms" must be a number/);
    bad(csv.replace(/,1200,[^\n]*\n/, ',1200\n'), /line 2: 11 fields, the header has 12/);
    bad(`${csv}x,"unclosed\n`, /line 5: a quoted field is never closed/);
    bad(answersToCsv([{ ...answers[0], right: 'vgan' }]), /line 2: left and right are the same source "vgan"/);
  });
});
