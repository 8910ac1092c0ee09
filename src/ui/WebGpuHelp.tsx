// Shown when the training worker started on another backend than WebGPU: why, what the page still does,
// and how to turn WebGPU on in this browser (the other browsers' steps folded away).
import type { BackendInfo } from '../backend';
import { describePlatform, detectPlatform, enableSteps, fallbackSummary, type Browser, type Os } from './webgpu-help';

const others: { label: string; browser: Browser; os: Os }[] = [
  { label: 'Chrome or Edge on Windows, macOS, ChromeOS', browser: 'chrome', os: 'windows' },
  { label: 'Chrome or Edge on Linux', browser: 'chrome', os: 'linux' },
  { label: 'Chrome on Android', browser: 'chrome', os: 'android' },
  { label: 'Firefox on Windows', browser: 'firefox', os: 'windows' },
  { label: 'Firefox on macOS, Linux, Android', browser: 'firefox', os: 'linux' },
  { label: 'Safari on macOS', browser: 'safari', os: 'mac' },
  { label: 'iPhone and iPad', browser: 'safari', os: 'ios' },
];

export function WebGpuHelp({ backend }: { backend: BackendInfo }) {
  const platform = detectPlatform(navigator.userAgent);
  const { loses, works } = fallbackSummary(backend.name);
  return (
    <section aria-label="running without WebGPU" className="webgpu-help">
      <h2>Running without WebGPU</h2>
      {backend.notes.map((n) => (
        <p key={n} className="note">
          {n}
        </p>
      ))}
      <p>{loses}</p>
      <p>{works}</p>
      <h3>Turning WebGPU on ({describePlatform(platform)})</h3>
      <ul>
        {enableSteps(platform).map((s) => (
          <li key={s}>{s}</li>
        ))}
      </ul>
      <details>
        <summary>Other browsers</summary>
        <dl>
          {others.map((o) => (
            <div key={o.label}>
              <dt>{o.label}</dt>
              <dd>{enableSteps({ ...o, version: null }).join(' ')}</dd>
            </div>
          ))}
        </dl>
      </details>
    </section>
  );
}
