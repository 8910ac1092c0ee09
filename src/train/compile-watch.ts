// Counts the GPU pipelines tfjs-webgpu compiles (one per new shader key, cached on its backend): the first
// iteration of a model compiles them for seconds, and the page can say so while it does.
import * as tf from '../tf';

/** Calls `onCompile(compiled)` each time the current webgpu backend compiles a new pipeline; nothing on other backends. */
export function watchCompiles(onCompile: (compiled: number) => void): void {
  const backend = tf.backend() as unknown as { pipelineCache?: Record<string, unknown> };
  if (!backend.pipelineCache) return;
  let compiled = 0;
  backend.pipelineCache = new Proxy(backend.pipelineCache, {
    set(cache, key, pipeline) {
      // A key seen before is a finished parallel compile replacing its promise, not a new pipeline.
      if (!(key in cache)) onCompile(++compiled);
      return Reflect.set(cache, key, pipeline);
    },
  });
}
