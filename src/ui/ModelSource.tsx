// Picks the model a research panel starts from: a shipped model, the playground's model as it is now, one of
// the playground's autosaves in this browser, or a model.json with its shard files.
import { useEffect, useRef, useState } from 'react';
import type { ModelKind } from '../model/config';
import { loadIndex, type PretrainedCard } from '../model/pretrained';
import type { ModelSource } from '../eval/research-protocol';
import { useResearch } from './research-store';
import { WeightsFilesInput } from './WeightsFilesInput';
import { usePlayground } from './store';

export function ModelSourcePicker({ kind, onChange }: { kind?: ModelKind; onChange: (s: ModelSource | null) => void }) {
  const [cards, setCards] = useState<PretrainedCard[]>([]);
  const [choice, setChoice] = useState('');
  const autosaves = useResearch((s) => s.autosaves);
  const send = useResearch((s) => s.send);
  // Counts picks, so that a copy of the playground's weights that comes after another pick is dropped.
  const picks = useRef(0);
  useEffect(() => {
    loadIndex(`${import.meta.env.BASE_URL}weights/`)
      .then((all) => setCards(all.filter((c) => !kind || c.kind === kind)))
      .catch(() => setCards([]));
  }, [kind]);
  const pick = (value: string) => {
    const thisPick = ++picks.current;
    setChoice(value);
    const [from, rest] = [value.slice(0, value.indexOf(':')), value.slice(value.indexOf(':') + 1)];
    onChange(from === 'pretrained' ? { from, name: rest } : from === 'autosave' ? { from, url: rest } : null);
    if (from === 'playground') {
      usePlayground
        .getState()
        .request({ type: 'exportWeights' })
        .then(
          ({ modelJson, weights }) =>
            thisPick === picks.current && onChange({ from: 'file', name: 'the playground’s model', modelJson, weights }),
          (e: Error) => useResearch.setState({ error: e.message }),
        );
    }
  };
  return (
    <span className="row model-source">
      <label>
        Model{' '}
        <select
          value={choice}
          onChange={(e) => pick(e.target.value)}
          onFocus={() => send({ type: 'autosaves' })}
          aria-label="model to study"
        >
          <option value="">choose…</option>
          <option value="playground:">the playground's model, as it is now</option>
          {cards.map((c) => (
            <option key={c.name} value={`pretrained:${c.name}`}>
              shipped: {c.title}
            </option>
          ))}
          {autosaves.map((u) => (
            <option key={u} value={`autosave:${u}`}>
              playground autosave: {u.replace('indexeddb://vgan-', '')}
            </option>
          ))}
          <option value="file:">model.json and its .bin files…</option>
        </select>
      </label>
      {choice === 'file:' && (
        <WeightsFilesInput
          label="model files"
          onLoad={(upload) => onChange({ from: 'file', ...upload })}
          onError={(message) => useResearch.setState({ error: message })}
        />
      )}
    </span>
  );
}
