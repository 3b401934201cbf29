// One RTCPeerConnection to the SFU: answers the server's offers (docs/signalling.md, "Media and the
// SDP the server sends") and reports remote tracks by participant id. Offers are handled one at a time.

export interface PeerListener {
  /**
   * A remote track arrived; participantId comes from the m-line's a=msid (streams[0].id), `screen`
   * from its a=content:slides (someone's shared screen, not their camera).
   */
  onRemoteTrack(participantId: string, track: MediaStreamTrack, screen: boolean): void;
  /** ICE failed or stayed disconnected, and an ICE restart did not bring it back; or DTLS failed. */
  onPeerLost(state: RTCPeerConnectionState): void;
  /** ICE failed or stayed disconnected: ask the server for an ICE restart (a new offer follows). */
  onIceRestartNeeded(): void;
}

// Simulcast (the server's offer has a=simulcast:recv l;m;h): each rid's share of the camera's size.
const kLayerScale: Record<string, number> = { l: 4, m: 2, h: 1 };

// The server's first offer puts the participant's own microphone at mid 0 and camera at mid 1.
const kAudioMid = '0';
const kVideoMid = '1';
// "disconnected" often heals by itself (a Wi-Fi hiccup); after this long, restart ICE (the network
// may have changed: a new address needs new checks).
const kIceRestartAfterMs = 3_000;
// An ICE restart that has not connected after this long gives way to a full reconnect.
const kIceRestartTimeoutMs = 10_000;

export class PeerSession {
  readonly pc: RTCPeerConnection;
  private queue: Promise<unknown> = Promise.resolve();
  private disconnectedTimer: ReturnType<typeof setTimeout> | undefined;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private restarting = false;
  private closed = false;
  // False for an observer: the answer sends nothing on mid 0/1 (docs/signalling.md "Host controls").
  private publishing = true;
  // Screen sharing (docs/signalling.md "Screen sharing"): the captured screen, our own screen
  // line's mid once the server offered one, and the mids that bring others' screens.
  private screen: MediaStreamTrack | null = null;
  private ownScreenMid: string | null = null;
  private readonly screenMids = new Set<string>();
  private configured!: () => void;
  // Offers wait until the join reply has told us the ICE servers (configure()).
  private readonly ready = new Promise<void>((resolve) => (this.configured = resolve));

  constructor(
    private readonly local: MediaStream | null,
    private readonly listener: PeerListener,
  ) {
    // The SFU is ICE-lite with a host candidate; TURN servers, when the server has them, come with
    // the join reply (configure) for networks that block UDP to it.
    this.pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    this.pc.addEventListener('track', (event) => this.onTrack(event));
    this.pc.addEventListener('connectionstatechange', () => this.onConnectionState());
    this.pc.addEventListener('iceconnectionstatechange', () => this.onIceConnectionState());
  }

  /** Sets the ICE servers from the join reply; offers are answered only after this. */
  configure(iceServers: RTCIceServer[]): void {
    if (iceServers.length > 0) this.pc.setConfiguration({ ...this.pc.getConfiguration(), iceServers });
    this.configured();
  }

  /** Applies the server's offer and returns the answer SDP. Calls run in arrival order. */
  answerOffer(sdp: string): Promise<string> {
    const run = this.queue.then(() => this.ready).then(() => this.doAnswer(sdp));
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * Whether the microphone and camera go out. Off takes effect at once (the senders stop); on
   * takes effect with the next offer, which the server sends on promotion.
   */
  setPublishing(on: boolean): void {
    this.publishing = on;
    if (on || this.closed) return;
    for (const transceiver of this.pc.getTransceivers()) {
      const own = transceiver.mid === kAudioMid || transceiver.mid === kVideoMid || transceiver.mid === this.ownScreenMid;
      if (own && transceiver.sender.track) {
        transceiver.sender.replaceTrack(null).catch((error: unknown) => console.warn('rounds: could not stop sending', error));
      }
    }
  }

  /**
   * The screen to send (null: none). A new track replaces the old one at once on the same line;
   * starting and stopping also need the server's next offer (the `share` request asks for it).
   */
  setScreen(track: MediaStreamTrack | null): void {
    this.screen = track;
    if (this.closed || this.ownScreenMid === null) return;
    const transceiver = this.pc.getTransceivers().find((x) => x.mid === this.ownScreenMid);
    const sending = this.publishing ? track : null;
    if (transceiver && transceiver.sender.track !== sending && (sending === null || transceiver.direction === 'sendonly')) {
      transceiver.sender.replaceTrack(sending).catch((error: unknown) => console.warn('rounds: could not switch screens', error));
    }
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.disconnectedTimer);
    clearTimeout(this.restartTimer);
    this.configured();
    this.pc.close();
  }

  private async doAnswer(sdp: string): Promise<string> {
    if (this.closed) throw new Error('peer connection closed');
    // Before setRemoteDescription: its track events must already know which lines are screens.
    const ownScreenActive = this.readScreenLines(sdp);
    await this.pc.setRemoteDescription({ type: 'offer', sdp });
    const sending = this.publishing ? this.local : null;
    const audio = sending?.getAudioTracks()[0] ?? null;
    const video = sending?.getVideoTracks()[0] ?? null;
    for (const transceiver of this.pc.getTransceivers()) {
      if (transceiver.mid === kAudioMid) await this.publish(transceiver, audio);
      else if (transceiver.mid === kVideoMid) {
        await this.publish(transceiver, video);
        await this.scaleLayers(transceiver);
      } else if (transceiver.mid !== null && transceiver.mid === this.ownScreenMid) {
        // Inactive in the offer: nothing shared (any more); the answer must say so too.
        await this.publish(transceiver, ownScreenActive && this.publishing ? this.screen : null);
      }
      // Every other m-line is the server's sendonly (or inactive) forward of someone else's track;
      // the transceiver setRemoteDescription created is recvonly, which answers it correctly.
    }
    const answer = await this.pc.createAnswer();
    await this.pc.setLocalDescription(answer);
    const local = this.pc.localDescription;
    if (!local) throw new Error('no local description after setLocalDescription');
    return local.sdp;
  }

  /**
   * Reads the offer's screen lines (a=content:slides, RFC 4796): a recvonly one is where we send
   * our own screen; a sendonly one brings someone else's. Returns whether our own is active.
   */
  private readScreenLines(sdp: string): boolean {
    let ownActive = false;
    for (const section of sdp.split(/\r?\n(?=m=)/).slice(1)) {
      if (!/^a=content:slides\s*$/m.test(section)) continue;
      const mid = /^a=mid:(\S+)/m.exec(section)?.[1];
      if (!mid) continue;
      if (/^a=recvonly\s*$/m.test(section)) {
        this.ownScreenMid = mid;
        ownActive = true;
      } else if (/^a=sendonly\s*$/m.test(section)) {
        this.screenMids.add(mid);
      }
    }
    return ownActive;
  }

  private async publish(transceiver: RTCRtpTransceiver, track: MediaStreamTrack | null): Promise<void> {
    if (transceiver.sender.track !== track) await transceiver.sender.replaceTrack(track);
    const direction: RTCRtpTransceiverDirection = track ? 'sendonly' : 'inactive';
    if (transceiver.direction !== direction) transceiver.direction = direction;
  }

  /**
   * As the answerer to a simulcast offer, Chromium creates one encoding per offered rid, all at
   * full size; this scales them to 1/4, 1/2 and full resolution (RFC 8853 layers, lowest first).
   */
  private async scaleLayers(transceiver: RTCRtpTransceiver): Promise<void> {
    const params = transceiver.sender.getParameters();
    if (!params.encodings || params.encodings.length < 2) return;
    let changed = false;
    for (const encoding of params.encodings) {
      const scale = encoding.rid ? kLayerScale[encoding.rid] : undefined;
      if (scale !== undefined && encoding.scaleResolutionDownBy !== scale) {
        encoding.scaleResolutionDownBy = scale;
        changed = true;
      }
    }
    if (!changed) return;
    try {
      await transceiver.sender.setParameters(params);
    } catch (error) {
      // The browser still sends what it can; the server forwards whichever layers arrive.
      console.warn('rounds: could not scale simulcast layers', error);
    }
  }

  private onTrack(event: RTCTrackEvent): void {
    const participantId = event.streams[0]?.id;
    if (!participantId) {
      console.warn('rounds: remote track without a stream id (a=msid); ignored', event.transceiver.mid);
      return;
    }
    const screen = event.transceiver.mid !== null && this.screenMids.has(event.transceiver.mid);
    this.listener.onRemoteTrack(participantId, event.track, screen);
  }

  private onConnectionState(): void {
    if (this.closed) return;
    // ICE trouble is handled by onIceConnectionState (restart first); a failure with ICE still
    // working is DTLS, which only a new session cures.
    if (this.pc.connectionState === 'failed' && this.pc.iceConnectionState !== 'failed') {
      this.listener.onPeerLost('failed');
    }
  }

  private onIceConnectionState(): void {
    if (this.closed) return;
    const state = this.pc.iceConnectionState;
    clearTimeout(this.disconnectedTimer);
    if (state === 'connected' || state === 'completed') {
      this.restarting = false;
      clearTimeout(this.restartTimer);
    } else if (state === 'failed') {
      this.restartIce();
    } else if (state === 'disconnected') {
      this.disconnectedTimer = setTimeout(() => {
        if (!this.closed && this.pc.iceConnectionState === 'disconnected') this.restartIce();
      }, kIceRestartAfterMs);
    }
  }

  /**
   * After the signalling session was resumed on a new socket: restart ICE now, with a fresh
   * timeout (a restart asked for while the socket was gone never reached the server).
   */
  restartNow(): void {
    if (this.closed) return;
    clearTimeout(this.restartTimer);
    clearTimeout(this.disconnectedTimer);
    this.restarting = false;
    this.restartIce();
  }

  /** One ICE restart per outage; if it does not connect in time, the whole session is renewed. */
  private restartIce(): void {
    if (this.restarting) return;
    this.restarting = true;
    this.listener.onIceRestartNeeded();
    this.restartTimer = setTimeout(() => {
      const ice = this.pc.iceConnectionState;
      if (!this.closed && ice !== 'connected' && ice !== 'completed') this.listener.onPeerLost(this.pc.connectionState);
    }, kIceRestartTimeoutMs);
  }
}
