// Every data failure is a DataError subclass, so callers can report it and carry on with the good clips.

export class DataError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A tar shard that is truncated or has a damaged header; entries before (and after a resync) still load. */
export class TarError extends DataError {}

/** manifest.json is missing fields, or holds values that are impossible or beyond the safety limits. */
export class ManifestError extends DataError {}

/** A shard's bytes differ from what the manifest promised (size or sha256). */
export class IntegrityError extends DataError {}

/** One clip in a shard could not be used (bad JPEG, bad JSON, wrong dimensions). */
export class ClipError extends DataError {
  constructor(
    readonly key: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`clip "${key}": ${message}`, options);
  }
}

/** The input is not a video (or image sequence) at all. */
export class NotAVideoError extends DataError {}

/** The container was recognised but its video codec cannot be decoded here. */
export class UnsupportedCodecError extends DataError {}

/** The video opened but not a single frame could be decoded. */
export class NoFramesError extends DataError {}

export const errorMessage = (e: unknown) => (e instanceof Error ? e.message : String(e));
