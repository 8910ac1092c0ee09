// What a page without WebGPU tells its user: what the fallback backend still does, and how to turn
// WebGPU on in the browser and OS the user agent names (the steps differ by both).
import type { BackendName } from '../backend';

export type Browser = 'chrome' | 'edge' | 'firefox' | 'safari' | 'other';
export type Os = 'windows' | 'mac' | 'linux' | 'chromeos' | 'android' | 'ios' | 'other';

export interface Platform {
  browser: Browser;
  os: Os;
  /** The browser's major version, when the user agent says it. */
  version: number | null;
}

export function detectPlatform(userAgent: string): Platform {
  const os: Os = /iPhone|iPad|iPod/.test(userAgent)
    ? 'ios'
    : /Android/.test(userAgent)
      ? 'android'
      : /CrOS/.test(userAgent)
        ? 'chromeos'
        : /Windows/.test(userAgent)
          ? 'windows'
          : /Mac OS X|Macintosh/.test(userAgent)
            ? 'mac'
            : /Linux|X11/.test(userAgent)
              ? 'linux'
              : 'other';
  // Order matters: Edge's user agent also names Chrome and Safari, Chrome's names Safari.
  const found = [
    ['edge', /Edg(?:e|A|iOS)?\/(\d+)/],
    ['firefox', /(?:Firefox|FxiOS)\/(\d+)/],
    ['chrome', /(?:Chrome|Chromium|CriOS)\/(\d+)/],
    ['safari', /Version\/(\d+)[^ ]* (?:Mobile\/\S+ )?Safari\//],
  ] as const;
  for (const [browser, pattern] of found) {
    const match = pattern.exec(userAgent);
    if (match) return { browser, os, version: Number(match[1]) };
  }
  return { browser: 'other', os, version: null };
}

const browserNames: Record<Browser, string> = {
  chrome: 'Chrome',
  edge: 'Edge',
  firefox: 'Firefox',
  safari: 'Safari',
  other: 'this browser',
};
const osNames: Record<Os, string> = {
  windows: 'Windows',
  mac: 'macOS',
  linux: 'Linux',
  chromeos: 'ChromeOS',
  android: 'Android',
  ios: 'iOS',
  other: '',
};

/** E.g. "Chrome 131 on Linux". */
export function describePlatform({ browser, os, version }: Platform): string {
  const name = version && browser !== 'other' ? `${browserNames[browser]} ${version}` : browserNames[browser];
  return os === 'other' ? name : `${name} on ${osNames[os]}`;
}

/** What the page does on the backend it fell back to, and what it gives up. */
export function fallbackSummary(backend: BackendName): { loses: string; works: string } {
  const works =
    'Everything still works, only slower: training, samples, charts, your own video, the Future view and the research tools. Keep to the tiny preset.';
  return backend === 'webgl'
    ? {
        loses:
          'The model trains and predicts through WebGL instead: still on the GPU, but without this playground’s WebGPU kernels for 3D convolutions, so each iteration takes several times longer.',
        works,
      }
    : {
        loses:
          'Nothing runs on the GPU: the model trains and predicts in JavaScript on the CPU, so an iteration of the tiny preset takes seconds and the larger presets are impractical.',
        works,
      };
}

const chromium = (name: string, scheme: string, os: Os): string[] => {
  if (os === 'linux') {
    return [
      `${name} on Linux does not turn WebGPU on by default for most GPUs: enable ${scheme}://flags/#enable-unsafe-webgpu and ${scheme}://flags/#enable-vulkan, then restart ${name},`,
      `or start it as \`${name === 'Edge' ? 'microsoft-edge' : 'google-chrome'} --enable-unsafe-webgpu --enable-features=Vulkan\`.`,
      'A Vulkan driver must be installed (Debian and Ubuntu: the packages mesa-vulkan-drivers and libvulkan1).',
    ];
  }
  const since = os === 'android' ? `version 121 on Android 12 or later (Qualcomm and ARM GPUs)` : 'version 113';
  return [
    `${name} has WebGPU on by default since ${since}: update ${name} first.`,
    `If it is up to date, open ${scheme}://gpu: “WebGPU” should read “Hardware accelerated”. If not, turn on “Use graphics acceleration when available” in ${name}’s System settings;`,
    `if your GPU is blocklisted, enable ${scheme}://flags/#enable-unsafe-webgpu and restart ${name}.`,
  ];
};

/** Steps that turn WebGPU on for this browser and OS, in order. */
export function enableSteps({ browser, os }: Platform): string[] {
  if (os === 'ios') {
    // Every iOS browser is Safari's engine underneath.
    return [
      'On iPhone and iPad every browser uses Safari’s engine, which has WebGPU on by default from iOS and iPadOS 26: update the system.',
    ];
  }
  switch (browser) {
    case 'chrome':
      return chromium('Chrome', 'chrome', os);
    case 'edge':
      return chromium('Edge', 'edge', os);
    case 'firefox':
      return os === 'windows'
        ? ['Firefox has WebGPU on by default on Windows since Firefox 141: update Firefox.']
        : [
            'Firefox 141 and later have WebGPU on by default on Windows; on this system it is still arriving (recent versions on Apple silicon Macs have it).',
            'Use Firefox Nightly, where it is on everywhere, or set dom.webgpu.enabled to true in about:config (experimental).',
          ];
    case 'safari':
      return [
        'Safari has WebGPU on by default from Safari 26 (macOS 26 Tahoe, iOS and iPadOS 26): update the system.',
        'On an older macOS, use Safari Technology Preview, or turn on WebGPU under Develop → Feature Flags.',
      ];
    default:
      return ['Open this page in Chrome or Edge 113 or later, Firefox 141 or later on Windows, or Safari 26.'];
  }
}
