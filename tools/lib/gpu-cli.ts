// A Node CLI on WebGPU never reports numbers from dropped GPU work: every uncaptured WebGPU error is printed
// as it happens, and `check()` throws when there was any, so the CLI exits non-zero.
import { onGpuError } from '../../src/gpu-watch';

export class GpuErrorsSeen extends Error {
  constructor(readonly messages: string[]) {
    super(
      `${messages.length} uncaptured WebGPU error${messages.length === 1 ? '' : 's'} (printed above); the GPU dropped work, so these results are not trusted`,
    );
    this.name = 'GpuErrorsSeen';
  }
}

/** Call once the webgpu backend is set; `log` prints each error (stderr by default). */
export function watchGpuForCli(log: (line: string) => void = (line) => console.error(line)): { check(): void; stop(): void } {
  const messages: string[] = [];
  const stop = onGpuError((message) => {
    messages.push(message);
    log(`error: ${message}`);
  });
  return {
    check() {
      if (messages.length > 0) throw new GpuErrorsSeen([...messages]);
    },
    stop,
  };
}
