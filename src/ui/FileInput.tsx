// A labelled file input that says which files were chosen: the browser's own text reads "3 files" for a
// multiple pick, and screen readers get the names as the input's description.
import { useId, useState, type InputHTMLAttributes } from 'react';

/** "a.json, b.bin, c.bin and 2 more" */
export function chosenNames(names: string[], shown = 3): string {
  const more = names.length - shown;
  return more > 0 ? `${names.slice(0, shown).join(', ')} and ${more} more` : names.join(', ');
}

export function FileInput({
  label,
  onFiles,
  ...input
}: { label: string; onFiles: (files: File[]) => void } & Omit<InputHTMLAttributes<HTMLInputElement>, 'type' | 'onChange'>) {
  const [chosen, setChosen] = useState<string[]>([]);
  const described = useId();
  return (
    <label className="file-input">
      {label}{' '}
      <input
        type="file"
        aria-label={label}
        aria-describedby={chosen.length > 0 ? described : undefined}
        {...input}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          setChosen(files.map((f) => f.name));
          if (files.length > 0) onFiles(files);
        }}
      />
      {chosen.length > 0 && (
        <span id={described} className="chosen">
          chosen: {chosenNames(chosen)}
        </span>
      )}
    </label>
  );
}
