// The no-WebGPU advice (src/ui/webgpu-help.ts): the browser and OS read from real user agents, and steps that fit them.
import { describe, expect, it } from 'vitest';
import { describePlatform, detectPlatform, enableSteps, fallbackSummary } from '../../src/ui/webgpu-help';

const agents = {
  chromeLinux: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/131.0.0.0 Safari/537.36',
  edgeWindows:
    'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36 Edg/130.0.2849.80',
  chromeAndroid: 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
  firefoxMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:133.0) Gecko/20100101 Firefox/133.0',
  firefoxWindows: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:141.0) Gecko/20100101 Firefox/141.0',
  safariMac: 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.2 Safari/605.1.15',
  chromeIphone:
    'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) CriOS/131.0.6778.73 Mobile/15E148 Safari/604.1',
};

describe('the platform read from the user agent', () => {
  it('tells Edge from Chrome, Chrome from Safari, and the OS apart', () => {
    expect(detectPlatform(agents.chromeLinux)).toEqual({ browser: 'chrome', os: 'linux', version: 131 });
    expect(detectPlatform(agents.edgeWindows)).toEqual({ browser: 'edge', os: 'windows', version: 130 });
    expect(detectPlatform(agents.chromeAndroid)).toEqual({ browser: 'chrome', os: 'android', version: 131 });
    expect(detectPlatform(agents.firefoxMac)).toEqual({ browser: 'firefox', os: 'mac', version: 133 });
    expect(detectPlatform(agents.safariMac)).toEqual({ browser: 'safari', os: 'mac', version: 18 });
    expect(detectPlatform(agents.chromeIphone)).toEqual({ browser: 'chrome', os: 'ios', version: 131 });
    expect(detectPlatform('curl/8.0')).toEqual({ browser: 'other', os: 'other', version: null });
    expect(describePlatform(detectPlatform(agents.edgeWindows))).toBe('Edge 130 on Windows');
  });
});

describe('the steps that turn WebGPU on', () => {
  const steps = (ua: string) => enableSteps(detectPlatform(ua)).join(' ');

  it('on Linux, Chrome needs the unsafe-webgpu and Vulkan switches and a Vulkan driver', () => {
    expect(steps(agents.chromeLinux)).toContain('chrome://flags/#enable-unsafe-webgpu');
    expect(steps(agents.chromeLinux)).toContain('google-chrome --enable-unsafe-webgpu --enable-features=Vulkan');
    expect(steps(agents.chromeLinux)).toContain('libvulkan1');
  });

  it('elsewhere, Chrome and Edge have it from 113 (Android from 121), under their own scheme', () => {
    expect(steps(agents.edgeWindows)).toContain('since version 113');
    expect(steps(agents.edgeWindows)).toContain('edge://gpu');
    expect(steps(agents.edgeWindows)).not.toContain('chrome://');
    expect(steps(agents.chromeAndroid)).toContain('version 121');
  });

  it('Firefox has it on Windows from 141, elsewhere in Nightly; Safari from 26 or its Technology Preview; iOS from 26 in any browser', () => {
    expect(steps(agents.firefoxWindows)).toContain('Firefox 141');
    expect(steps(agents.firefoxWindows)).not.toContain('Nightly');
    expect(steps(agents.firefoxMac)).toContain('Firefox Nightly');
    expect(steps(agents.safariMac)).toContain('Safari 26');
    expect(steps(agents.safariMac)).toContain('Technology Preview');
    expect(steps(agents.chromeIphone)).toContain('iOS and iPadOS 26');
  });

  it('says what each fallback backend loses', () => {
    expect(fallbackSummary('webgl').loses).toContain('still on the GPU');
    expect(fallbackSummary('cpu').loses).toContain('Nothing runs on the GPU');
  });
});
