// The human study in the page (paper §4.2): "Which video is more realistic?" between two looping clips,
// answered with the arrow keys or the buttons. Answers stay in this browser (IndexedDB) until exported;
// a teacher imports the class's files, which merge without double counting, and reads Table 1 off the page.
import { useEffect, useState } from 'react';
import {
  formatCell,
  formatTable,
  makeTrials,
  staticSource,
  studyTable,
  type Answer,
  type ClipSource,
  type Comparison,
  type Trial,
} from '../eval/study';
import { answersToCsv, answersToJson, mergeAnswers, parseAnswers } from '../eval/study-files';
import { isShipped } from '../data/datasets';
import type { ClipData } from '../model/sample';
import { deriveSeed } from '../model/seed';
import { useBaseline } from './baseline-store';
import { download } from './gif';
import { usePlayground } from './store';
import { clearAnswers, loadAnswers, participantId, saveAnswers } from './study-db';
import { VideoCanvas } from './VideoCanvas';
import { FileInput } from './FileInput';
import { keepStorage } from './persist';
import { ProgressBar } from './ProgressBar';
import { onShortcut } from './shortcuts';

/** Clips drawn from each source for one participant's run. */
const POOL = 16;

const COMPARISONS: Comparison[] = [
  { prefer: 'vgan', over: 'autoencoder' },
  { prefer: 'vgan', over: 'static' },
  { prefer: 'vgan', over: 'real' },
  { prefer: 'autoencoder', over: 'real' },
  { prefer: 'static', over: 'real' },
];

/** The sources this page offers: its own model's grid, the baseline's samples, real clips and their first frames. */
function pageSources(seed: number): ClipSource[] {
  const { settings, samples, real: shown } = usePlayground.getState();
  const { request } = useBaseline.getState();
  const real: ClipSource = {
    id: 'real',
    label: 'Real',
    // The page's own video lives in the playground's worker: use the clips it shows.
    clips: async (count) =>
      isShipped(settings.dataset)
        ? await request({ type: 'real', dataset: settings.dataset, preset: settings.preset, count, seed })
        : shown.slice(0, count),
  };
  return [
    { id: 'vgan', label: 'VGAN (this page’s model)', clips: async (count) => samples.slice(0, count).map((s) => s.video) },
    { id: 'autoencoder', label: 'Autoencoder', clips: (count) => request({ type: 'sample', count, seed }) },
    real,
    staticSource(real),
  ];
}

const labels = () => Object.fromEntries(pageSources(0).map((s) => [s.id, s.label]));

function Judge({
  trial,
  pools,
  onAnswer,
  done,
  total,
}: {
  trial: Trial;
  pools: Record<string, ClipData[]>;
  onAnswer: (side: 'left' | 'right') => void;
  done: number;
  total: number;
}) {
  useEffect(() => onShortcut({ ArrowLeft: () => onAnswer('left'), ArrowRight: () => onAnswer('right') }), [onAnswer]);
  const clip = (side: Trial['left']) => pools[side.source][side.clip];
  const [left, right] = [clip(trial.left), clip(trial.right)];
  const scale = (c: ClipData) => Math.max(1, Math.round(160 / c.size));
  return (
    <div className="judge">
      <p className="question">Which video is more realistic?</p>
      <div className="row">
        {/* Keyed by trial so that both clips start together from their first frame. */}
        <VideoCanvas key={`l${trial.index}`} clip={left} label="left video" scale={scale(left)} />
        <VideoCanvas key={`r${trial.index}`} clip={right} label="right video" scale={scale(right)} />
      </div>
      <div className="buttons">
        <button type="button" onClick={() => onAnswer('left')}>
          ← Left
        </button>{' '}
        <button type="button" onClick={() => onAnswer('right')}>
          Right →
        </button>{' '}
        <ProgressBar label="trials answered" done={done} total={total} />{' '}
        <span data-testid="study-progress">
          {done} / {total}
        </span>
      </div>
    </div>
  );
}

export function Study() {
  const category = usePlayground((s) => s.settings.dataset);
  const [answers, setAnswers] = useState<Answer[]>([]);
  const [study, setStudy] = useState('class');
  const [perComparison, setPerComparison] = useState(10);
  const [chosen, setChosen] = useState(() => new Set(COMPARISONS.map((_, i) => i)));
  const [run, setRun] = useState<{ trials: Trial[]; pools: Record<string, ClipData[]>; index: number; shownAt: number } | null>(null);
  const [notes, setNotes] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const refresh = () => loadAnswers().then(setAnswers, (e: Error) => setNotes([`Stored answers could not be read: ${e.message}`]));
  useEffect(() => void refresh(), []);

  const start = async () => {
    setBusy(true);
    const found: string[] = [];
    try {
      const participant = participantId();
      const seed = deriveSeed(Date.now() % 2 ** 31, participant);
      const wanted = COMPARISONS.filter((_, i) => chosen.has(i));
      const pools: Record<string, ClipData[]> = {};
      for (const source of pageSources(seed)) {
        if (!wanted.some((c) => c.prefer === source.id || c.over === source.id)) continue;
        try {
          pools[source.id] = await source.clips(POOL);
          if (pools[source.id].length === 0) found.push(`${source.label}: no clips yet.`);
        } catch (e) {
          pools[source.id] = [];
          found.push(`${source.label}: ${(e as Error).message}`);
        }
      }
      const usable = wanted.filter((c) => pools[c.prefer]?.length > 0 && pools[c.over]?.length > 0);
      if (usable.length === 0)
        throw new Error('No comparison has clips on both sides: train the model, fit the baseline, or pick other comparisons.');
      const sizes = Object.fromEntries(Object.entries(pools).map(([k, v]) => [k, v.length]));
      if (usable.length < wanted.length)
        found.push(
          `Left out: ${wanted
            .filter((c) => !usable.includes(c))
            .map((c) => `${c.prefer} vs ${c.over}`)
            .join(', ')}.`,
        );
      setRun({ trials: makeTrials(usable, perComparison, sizes, seed), pools, index: 0, shownAt: performance.now() });
    } catch (e) {
      found.push((e as Error).message);
    } finally {
      setNotes(found);
      setBusy(false);
    }
  };

  const answer = (side: 'left' | 'right') => {
    if (!run) return;
    const t = run.trials[run.index];
    const a: Answer = {
      id: crypto.randomUUID(),
      participant: participantId(),
      study,
      category,
      trial: t.index,
      left: t.left.source,
      right: t.right.source,
      leftClip: t.left.clip,
      rightClip: t.right.clip,
      chosen: side,
      ms: Math.round(performance.now() - run.shownAt),
      time: new Date().toISOString(),
    };
    setAnswers((all) => [...all, a]);
    saveAnswers([a]).then(keepStorage, (e: Error) => setNotes([`This answer was not stored: ${e.message}`]));
    setRun(run.index + 1 < run.trials.length ? { ...run, index: run.index + 1, shownAt: performance.now() } : null);
  };

  const importFiles = async (files: File[]) => {
    try {
      const lists = await Promise.all(files.map(async (f) => parseAnswers(await f.text(), f.name)));
      const merged = mergeAnswers(answers, ...lists);
      await saveAnswers(merged.answers);
      await refresh();
      const added = merged.answers.length - answers.length;
      setNotes([
        `Imported ${added} new answers from ${files.length} file(s); ${merged.duplicates} already here.` +
          (merged.conflicts.length ? ` ${merged.conflicts.length} answer ids came with different content; the first was kept.` : ''),
      ]);
    } catch (e) {
      setNotes([(e as Error).message]);
    }
  };

  const mine = answers.filter((a) => a.study === study);
  const table = studyTable(mine);
  const names = labels();
  return (
    <section aria-label="human study" className="controls research">
      <h2>Human study: which video is more realistic?</h2>
      <p className="hint">
        The paper's two-alternative forced choice (§4.2, Table 1). Each trial shows two clips from different sources, sides drawn at random;
        answer with ← and → or the buttons. Answers stay in this browser until you export them; import several browsers' files to pool a
        class.
      </p>
      {run ? (
        <Judge trial={run.trials[run.index]} pools={run.pools} onAnswer={answer} done={run.index} total={run.trials.length} />
      ) : (
        <>
          <div className="fields">
            <label>
              study name
              <input value={study} onChange={(e) => setStudy(e.target.value)} />
            </label>
            <label>
              trials per comparison
              <input
                type="number"
                min={1}
                value={perComparison}
                onChange={(e) => e.target.valueAsNumber >= 1 && setPerComparison(Math.round(e.target.valueAsNumber))}
              />
            </label>
          </div>
          <div className="row">
            {COMPARISONS.map((c, i) => (
              <label key={i}>
                <input
                  type="checkbox"
                  checked={chosen.has(i)}
                  onChange={(e) => {
                    const next = new Set(chosen);
                    if (e.target.checked) next.add(i);
                    else next.delete(i);
                    setChosen(next);
                  }}
                />{' '}
                {names[c.prefer]} vs {names[c.over]}
              </label>
            ))}
          </div>
          <div className="buttons">
            <button type="button" disabled={busy || chosen.size === 0} onClick={start}>
              {busy ? 'Preparing clips…' : 'Start'}
            </button>
          </div>
        </>
      )}
      {notes.map((n, i) => (
        <p key={i} className="note">
          {n}
        </p>
      ))}
      <table className="study-table" aria-label="study results">
        <thead>
          <tr>
            <th>“Which video is more realistic?” ({mine.length} answers)</th>
            {table.columns.map((c) => (
              <th key={c}>{c}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          <tr>
            <td>Random preference</td>
            {table.columns.map((c) => (
              <td key={c}>50%</td>
            ))}
          </tr>
          {table.rows.map((r) => (
            <tr key={`${r.comparison.prefer}/${r.comparison.over}`}>
              <td>
                Prefer {names[r.comparison.prefer] ?? r.comparison.prefer} over {names[r.comparison.over] ?? r.comparison.over}
              </td>
              {table.columns.map((c) => (
                <td key={c}>{formatCell(r.cells[c])}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="hint">
        Percentage of answers that preferred the first source, with its 95% Wilson score interval and the number of answers.
      </p>
      <div className="weights">
        <button
          type="button"
          disabled={answers.length === 0}
          onClick={() => download(new Blob([answersToJson(answers)], { type: 'application/json' }), 'study-answers.json')}
        >
          Export JSON
        </button>
        <button
          type="button"
          disabled={answers.length === 0}
          onClick={() => download(new Blob([answersToCsv(answers)], { type: 'text/csv' }), 'study-answers.csv')}
        >
          Export CSV
        </button>
        <button type="button" disabled={mine.length === 0} onClick={() => navigator.clipboard?.writeText(formatTable(table, names))}>
          Copy table
        </button>
        <FileInput
          label="Import and merge answer files"
          multiple
          accept=".json,.csv,application/json,text/csv"
          onFiles={(files) => void importFiles(files)}
        />
        <button
          type="button"
          disabled={answers.length === 0}
          onClick={async () => {
            if (!confirm(`Delete all ${answers.length} answers stored in this browser?`)) return;
            await clearAnswers();
            await refresh();
          }}
        >
          Delete stored answers
        </button>
      </div>
    </section>
  );
}
