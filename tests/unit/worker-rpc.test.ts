// The worker request layer over a MessageChannel: ids pair replies with requests, errors and cancellations
// reach the right caller, immediate requests pass the queue, and events reach every listener.
import { afterEach, describe, expect, it } from 'vitest';
import { CancelledError, connect, serve, type Call } from '../../src/worker-rpc';

type TestApi = {
  requests: { type: 'echo'; value: number } | { type: 'fail' } | { type: 'wait' } | { type: 'peek' };
  results: { echo: number; wait: string; peek: string[] };
  progress: number;
  events: { type: 'note'; text: string };
};

const channels: MessageChannel[] = [];
afterEach(() =>
  channels.splice(0).forEach((c) => {
    c.port1.close();
    c.port2.close();
  }),
);

/** A client and a server whose handler logs what it runs; `wait` runs until cancelled. */
function pair(ready?: Promise<unknown>) {
  const channel = new MessageChannel();
  channels.push(channel);
  const log: string[] = [];
  const server = serve<TestApi>(
    channel.port2,
    async (r, call: Call<number>) => {
      log.push(r.type);
      switch (r.type) {
        case 'echo':
          call.progress(r.value / 2);
          return r.value;
        case 'fail':
          throw new Error('it broke');
        case 'wait':
          await new Promise((resolve) => call.signal.addEventListener('abort', resolve));
          throw new Error('stopped');
        case 'peek':
          return [...log];
      }
    },
    { ready, immediate: (r) => r.type === 'peek' },
  );
  return { client: connect<TestApi>(channel.port1), server, log };
}

describe('worker requests', () => {
  it('pairs each reply and progress with its request', async () => {
    const { client } = pair();
    const progress: number[][] = [[], []];
    const answers = await Promise.all(
      [4, 10].map((value, i) => client.request({ type: 'echo', value }, { onProgress: (p) => progress[i].push(p) })),
    );
    expect(answers).toEqual([4, 10]);
    expect(progress).toEqual([[2], [5]]);
  });

  it('rejects a failed request with its error and goes on with the next', async () => {
    const { client } = pair();
    await expect(client.request({ type: 'fail' })).rejects.toThrow('it broke');
    await expect(client.request({ type: 'echo', value: 1 })).resolves.toBe(1);
  });

  it('fails every request when the worker could not start', async () => {
    const { client, log } = pair(Promise.reject(new Error('no backend')));
    await expect(client.request({ type: 'echo', value: 1 })).rejects.toThrow('no backend');
    expect(log).toEqual([]);
  });

  it('cancels a running request through its signal and drops a queued one', async () => {
    const { client, log } = pair();
    const running = new AbortController();
    const queued = new AbortController();
    const first = client.request({ type: 'wait' }, { signal: running.signal });
    const second = client.request({ type: 'echo', value: 3 }, { signal: queued.signal });
    // An immediate request passes the queue: it sees the wait running and the echo not started.
    await expect(client.request({ type: 'peek' })).resolves.toEqual(['wait', 'peek']);
    queued.abort();
    running.abort();
    await expect(first).rejects.toBeInstanceOf(CancelledError);
    await expect(second).rejects.toBeInstanceOf(CancelledError);
    await expect(client.request({ type: 'echo', value: 5 })).resolves.toBe(5);
    expect(log).toEqual(['wait', 'peek', 'echo']);
  });

  it('delivers events to every listener until it stops listening', async () => {
    const { client, server } = pair();
    const [a, b]: string[][] = [[], []];
    const stopA = client.listen((e) => a.push(e.text));
    client.listen((e) => b.push(e.text));
    server.emit({ type: 'note', text: 'one' });
    await client.request({ type: 'echo', value: 0 }); // replies come in order: the event has arrived
    stopA();
    server.emit({ type: 'note', text: 'two' });
    await client.request({ type: 'echo', value: 0 });
    expect([a, b]).toEqual([['one'], ['one', 'two']]);
  });

  it('runs the worker’s own jobs in turn with the requests', async () => {
    const { client, server, log } = pair();
    const echo = client.request({ type: 'echo', value: 1 });
    await new Promise((resolve) => setTimeout(resolve, 10)); // the request is queued first
    await server.enqueue(async () => void log.push('job'));
    await echo;
    expect(log).toEqual(['echo', 'job']);
  });
});
