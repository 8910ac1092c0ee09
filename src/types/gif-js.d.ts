// gif.js ships no types; this is the part of its API the playground uses.
declare module 'gif.js/dist/gif.js' {
  interface GifOptions {
    workers?: number;
    quality?: number;
    width?: number;
    height?: number;
    workerScript?: string;
    repeat?: number;
  }
  export default class GIF {
    constructor(options: GifOptions);
    addFrame(image: CanvasRenderingContext2D | ImageData, options?: { delay?: number; copy?: boolean }): void;
    on(event: 'finished', cb: (blob: Blob) => void): void;
    on(event: 'abort' | 'start', cb: () => void): void;
    on(event: 'progress', cb: (p: number) => void): void;
    render(): void;
  }
}
