// A worker's uncaptured GPU error as the page shows it: in that panel's own error area, and on the console,
// where the e2e suite's fixture (tests/e2e/fixtures.ts) finds it by GPU_ERROR_MARK and fails the test.

export const GPU_ERROR_MARK = '[vgan gpu error]';

/** The page's words for `message` from the `worker` worker, logged to the console as it is shown. */
export function gpuErrorText(worker: string, message: string): string {
  const text = `The ${worker} worker's GPU reported an error; results since may be wrong. ${message}`;
  console.error(`${GPU_ERROR_MARK} ${text}`);
  return text;
}
