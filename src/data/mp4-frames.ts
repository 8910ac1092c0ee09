// MP4 video through WebCodecs: demuxed with mp4box, decoded with VideoDecoder, at the frame rate the
// container states (the track's timescale over its samples' durations). Where this browser lacks
// VideoDecoder or the track's codec, it says so (null) and the caller plays the file in a <video> instead.
import {
  createFile,
  DataStream,
  Endianness,
  MP4BoxBuffer,
  type Movie,
  type MultiBufferStream,
  type Sample,
  type VisualSampleEntry,
} from 'mp4box';
import { NotAVideoError } from './errors';

/** Frames per second from a track's timescale (ticks per second) and its samples' durations in ticks: the median frame's. */
export function containerFps(timescale: number, durations: number[]): number {
  const sorted = durations.filter((d) => d > 0).sort((a, b) => a - b);
  if (sorted.length === 0) throw new NotAVideoError('the MP4 gives its frames no durations');
  return Math.round((100 * timescale) / sorted[sorted.length >> 1]) / 100;
}

/** The codec's setup bytes (avcC, hvcC, vpcC or av1C without its box header), which VideoDecoder needs as `description`. */
function codecDescription(entry: VisualSampleEntry): Uint8Array | undefined {
  const box = entry.avcC ?? entry.hvcC ?? entry.vpcC ?? entry.av1C;
  if (!box) return undefined;
  const stream = new DataStream(undefined, 0, Endianness.BIG_ENDIAN);
  // Writing needs only DataStream's methods; the type names the parser's stream.
  box.write(stream as MultiBufferStream);
  return new Uint8Array(stream.buffer, 8);
}

/** An MP4's first video track: its decoder configuration, timescale and first samples in decoding order. */
export interface Mp4Track {
  config: VideoDecoderConfig;
  timescale: number;
  samples: Sample[];
}

/**
 * The first video track and its first `maxFrames` samples, where this browser's VideoDecoder takes its codec;
 * null where it does not, or the file has no video track.
 */
export async function openMp4(bytes: ArrayBuffer, maxFrames: number): Promise<Mp4Track | null> {
  if (!('VideoDecoder' in self)) return null;
  const file = createFile();
  let movie: Movie | undefined;
  let error: string | undefined;
  const samples: Sample[] = [];
  // Extraction starts as soon as the movie box is read, before the parser goes on: a fragmented MP4 (as
  // MediaRecorder writes) keeps its samples in the fragments that follow, which are parsed only once.
  file.onReady = (info) => {
    movie = info;
    const track = info.videoTracks[0];
    if (!track) return;
    file.onSamples = (_, __, batch) => samples.push(...batch);
    file.setExtractionOptions(track.id, null, { nbSamples: maxFrames });
    file.start();
  };
  file.onError = (_, message) => (error = message);
  file.appendBuffer(MP4BoxBuffer.fromArrayBuffer(bytes, 0));
  file.flush();
  if (error) throw new NotAVideoError(`this MP4 cannot be read: ${error}`);
  const track = movie?.videoTracks[0];
  if (!track) return null;
  const entry = file.getTrackById(track.id).mdia.minf.stbl.stsd.entries[0] as VisualSampleEntry;
  const config = { codec: track.codec, codedWidth: entry.width, codedHeight: entry.height, description: codecDescription(entry) };
  if (!(await VideoDecoder.isConfigSupported(config)).supported) return null;
  return { config, timescale: track.timescale, samples: samples.slice(0, maxFrames) };
}

/** Decodes the track, handing each frame in presentation order to `onFrame` (which must not keep it); returns the frame count. */
export async function decodeMp4(track: Mp4Track, onFrame: (frame: VideoFrame, index: number) => void): Promise<number> {
  const { config, samples } = track;
  let frames = 0;
  let failure: DOMException | null = null;
  const decoder = new VideoDecoder({
    output: (frame) => {
      onFrame(frame, frames++);
      frame.close();
    },
    error: (e) => (failure = e),
  });
  try {
    decoder.configure(config);
    for (const s of samples) {
      const micro = (ticks: number) => (ticks * 1e6) / s.timescale;
      decoder.decode(
        new EncodedVideoChunk({ type: s.is_sync ? 'key' : 'delta', timestamp: micro(s.cts), duration: micro(s.duration), data: s.data! }),
      );
    }
    await decoder.flush();
  } catch (e) {
    throw new NotAVideoError(`the MP4's ${config.codec} video stopped decoding: ${(failure ?? (e as Error)).message}`);
  } finally {
    if (decoder.state !== 'closed') decoder.close();
  }
  return frames;
}
