// One file input for a model: its model.json and all its shard files, picked together (src/ui/weights-files.ts).
import { readWeightsFiles, type WeightsUpload } from './weights-files';

export function WeightsFilesInput({ label, disabled, onLoad, onError }: {
  label: string;
  disabled?: boolean;
  onLoad: (upload: WeightsUpload) => void;
  onError: (message: string) => void;
}) {
  return (
    <label>
      {label}{' '}
      <input
        type="file"
        multiple
        accept=".json,.bin,application/json,application/octet-stream"
        aria-label={label}
        title="model.json and every .bin file it names, selected together"
        disabled={disabled}
        onChange={async (e) => {
          const files = [...(e.target.files ?? [])];
          if (files.length === 0) return;
          try {
            onLoad(await readWeightsFiles(files));
          } catch (err) {
            onError((err as Error).message);
          }
        }}
      />
    </label>
  );
}
