// One RTCPeerConnection to the SFU: answers the server's offers (docs/signalling.md, "Media and the
// SDP the server sends") and reports remote tracks by participant id. Offers are handled one at a time.

export interface PeerListener {
  /** A remote track arrived; participantId comes from the m-line's a=msid (streams[0].id). */
  onRemoteTrack(participantId: string, track: MediaStreamTrack): void;
  /** ICE/DTLS failed, or stayed disconnected longer than kDisconnectedGraceMs. */
  onPeerLost(state: RTCPeerConnectionState): void;
}

// The server's first offer puts the participant's own microphone at mid 0 and camera at mid 1.
const kAudioMid = '0';
const kVideoMid = '1';
// "disconnected" often heals by itself (a Wi-Fi hiccup); give it this long before reconnecting.
const kDisconnectedGraceMs = 8_000;

export class PeerSession {
  readonly pc: RTCPeerConnection;
  private queue: Promise<unknown> = Promise.resolve();
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  private closed = false;

  constructor(
    private readonly local: MediaStream | null,
    private readonly listener: PeerListener,
  ) {
    // No STUN/TURN servers: the SFU is ICE-lite with a host candidate the browser reaches directly.
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc.addEventListener('track', (event) => this.onTrack(event));
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());
  }

  /** Applies the server's offer and returns the answer SDP. Calls run in arrival order. */
  answerOffer(sdp: string): Promise<string> {
    const run = this.queue.then(() => this.doAnswer(sdp));
    this.queue = run.catch(() => undefined);
    return run;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.disconnectedTimer);
    this.pc.close();
  }

  private async doAnswer(sdp: string): Promise<string> {
    if (this.closed) throw new Error('peer connection closed');
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const audio = this.local?.getAudioTracks()[0] ?? null;
    const video = this.local?.getVideoTracks()[0] ?? null;
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.mid === kAudioMid) await this.publish(transceiver, audio);
      else if (transceiver.mid === kVideoMid) await this.publish(transceiver, video);
      // Every other m-line is the server's sendonly (or inactive) forward of someone else's track;
      // the transceiver setRemoteDescription created is recvonly, which answers it correctly.
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    const local = this.pc.localDescription;
    if (!local) throw new Error('no local description after setLocalDescription');
    return local.sdp;
  }

  private async publish(transceiver: RTCRtpTransceiver, track: MediaStreamTrack | null): Promise<void> {
    if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    const direction: RTCRtpTransceiverDirection = track ? 'sendonly' : 'inactive';
    if (transceiver.direction !== direction) transceiver.direction = direction;
  }

  private onTrack(event: RTCTrackEvent): void {
    const participantId = event.streams[0]?.id;
    if (!participantId) {
      console.warn('rounds: remote track without a stream id (a=msid); ignored', event.transceiver.mid);
      return;
    }
    this.listener.onRemoteTrack(participantId, event.track);
  }

  private onConnectionState(): void {
    if (this.closed) return;
    const state = this.pc.connectionState;
    clearTimeout(this.disconnectedTimer);
    if (state === 'failed') {
      this.listener.onPeerLost(state);
    } else if (state === 'disconnected') {
      this.disconnectedTimer = setTimeout(() => {
        if (!this.closed && this.pc.connectionState === 'disconnected') this.listener.onPeerLost('disconnected');
      }, kDisconnectedGraceMs);
    }
  }
}
