// One clip on a canvas, captioned, with its GIF export.
import { useState } from 'react';
import type { ClipData } from '../model/sample';
import { clipToGif, download } from './gif';
import { VideoCanvas } from './VideoCanvas';

export function Pane({ clip, label, name }: { clip: ClipData; label: string; name: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <figure className="pane">
      <VideoCanvas clip={clip} label={label} />
      <figcaption>
        {name}{' '}
        <button
          type="button"
          className="link"
          disabled={busy}
          aria-label={`export ${label} as GIF`}
          onClick={async () => {
            setBusy(true);
            try {
              download(await clipToGif(clip), `${label.replace(/\s+/g, '-')}.gif`);
            } finally {
              setBusy(false);
            }
          }}
        >
          GIF
        </button>
      </figcaption>
    </figure>
  );
}
