// One file input for a model: its model.json and all its shard files, picked together (src/ui/weights-files.ts).
import { FileInput } from './FileInput';
import { readWeightsFiles, type WeightsUpload } from './weights-files';

export function WeightsFilesInput({
  label,
  disabled,
  onLoad,
  onError,
}: {
  label: string;
  disabled?: boolean;
  onLoad: (upload: WeightsUpload) => void;
  onError: (message: string) => void;
}) {
  return (
    <FileInput
      label={label}
      multiple
      accept=".json,.bin,application/json,application/octet-stream"
      title="model.json and every .bin file it names, selected together"
      disabled={disabled}
      onFiles={async (files) => {
        try {
          onLoad(await readWeightsFiles(files));
        } catch (err) {
          onError((err as Error).message);
        }
      }}
    />
  );
}
