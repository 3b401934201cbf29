// Local camera and microphone: asks getUserMedia and turns its failures into a few kinds a person
// can act on (blocked, missing, busy, insecure page).

export type MediaProblemKind = 'denied' | 'missing' | 'in-use' | 'insecure' | 'other';

export class MediaProblem extends Error {
  constructor(
    readonly kind: MediaProblemKind,
    readonly detail: string,
  ) {
    super(`${kind}: ${detail}`);
    this.name = 'MediaProblem';
  }
}

export interface MediaWish {
  audio: boolean;
  video: boolean;
}

/** Returns a stream with the tracks asked for, or null when nothing was asked (watch only). */
export async function acquireMedia(wish: MediaWish): Promise<MediaStream | null> {
  if (!wish.audio && !wish.video) return null;
  if (!navigator.mediaDevices?.getUserMedia) {
    throw new MediaProblem(window.isSecureContext ? 'missing' : 'insecure', 'no mediaDevices');
  }
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: wish.audio ? { echoCancellation: true, noiseSuppression: true, autoGainControl: true } : false,
      // 960x540: the smallest capture from which Chromium sends all three simulcast layers
      // (240x135, 480x270, 960x540); from 640x480 it sends two and the top one never flows. The
      // server gives each viewer the layer its tile and downlink allow, so small tiles cost no more.
      video: wish.video ? { width: { ideal: 960 }, height: { ideal: 540 }, frameRate: { ideal: 24 } } : false,
    });
  } catch (error) {
    throw classify(error);
  }
}

function classify(error: unknown): MediaProblem {
  const name = error instanceof DOMException ? error.name : '';
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  switch (name) {
    case 'NotAllowedError':
    case 'SecurityError':
      return new MediaProblem('denied', detail);
    case 'NotFoundError':
    case 'OverconstrainedError':
      return new MediaProblem('missing', detail);
    case 'NotReadableError':
    case 'AbortError':
      return new MediaProblem('in-use', detail);
    default:
      return new MediaProblem('other', detail);
  }
}

export function stopStream(stream: MediaStream | null): void {
  for (const track of stream?.getTracks() ?? []) track.stop();
}
