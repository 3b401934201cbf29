// A person's presence in one room: local media, the signalling socket, the peer connection, the
// tiles, and the reconnect loop. Each connection attempt has a generation number; callbacks from an
// older socket or peer connection see a stale generation and do nothing.
import { acquireMedia, MediaProblem, stopStream, type MediaWish } from './media';
import { PeerSession } from './peer';
import { ResumeLoop, type ResumeOutcome, type ResumeResult } from './resume';
import { signallingUrl } from './room';
import {
  kCloseResuming,
  SignallingClient,
  SignallingError,
  toLobby,
  toParticipant,
  type JoinAccess,
  type JoinReply,
  type LeftReason,
  type AgendaState,
  type LobbyEntry,
  type Participant,
  type RoomRole,
  type ReceiveMode,
  type ReceiveState,
  type SignallingListener,
  type ScreenChoice,
} from './signalling';
import { t } from './strings';
import { announce } from './ui/dom';
import { mountMeetingPanel } from './ui/meeting_room_panel';
import { CallView, showMessage, showPasscodePrompt, showProgress } from './ui/screens';
import { receiveModeText, RoomPanel } from './ui/room_panel';
import { ScreenShare } from './screen_share';
import { TileSizeReporter } from './tile_sizes';
import { Tile } from './ui/tiles';

export type CallState =
  | 'idle'
  | 'acquiring-media'
  | 'media-problem'
  | 'connecting'
  | 'lobby'
  | 'joined'
  | 'reconnecting'
  | 'failed'
  | 'left';

/** window.__rounds: read by the browser tests and useful in the console (docs/client.md). */
export interface DiagnosticsHook {
  state: CallState;
  room: string | null;
  participantId: string | null;
  pc: RTCPeerConnection | null;
  /** The other participants: id → display name. */
  participants: Record<string, string>;
  /** Last error code shown to the person (unreachable, room_full, lost, …), or null. */
  error: string | null;
  /** Raised hands, first raised first (participant ids). */
  hands: string[];
  /** Hosts: names of the people waiting in the lobby. */
  waiting: string[];
  /** Our role in the room (series rooms), e.g. 'observer', 'speaker', 'co-host'; null if none. */
  role: string | null;
  /** A host muted us and keeps the microphone off. */
  micLocked: boolean;
  /** Title of the running agenda item, or null. */
  agenda: string | null;
  /** We present the running item and it is past its time box (the banner shows). */
  overrun: boolean;
  /**
   * TEST ONLY (test/e2e/hostctl.test.mjs): added to the agenda's elapsed time so that a test sees
   * a time box run out without waiting for it. 0 in normal use; changes only this page's display.
   */
  agendaSkewMs: number;
  /** ICE restarts this page asked the server for (restart-ice), over the whole page's life. */
  iceRestarts: number;
  /** Sessions this page resumed on a new socket (same participant id), over the page's life. */
  resumes: number;
  /** Low-bandwidth choice in force: what the server sends this page. */
  receive: ReceiveMode;
  /** Whether the server sends this page shared screens ("no incoming screen video": 'hide'). */
  screens?: 'show' | 'hide';
  /** We share a screen now. */
  sharing?: boolean;
  /** Participant ids whose shared screen this page shows. */
  shownScreens?: string[];
}

// Backoff before reconnect attempt n: 1, 2, 4, 8, 8, … seconds; then give up and show "Try again".
const kMaxReconnectAttempts = 10;
const kMaxBackoffMs = 8_000;
const kLeaveReplyWaitMs = 1_500;
const kAgendaTickMs = 1_000;
const kPasscodeErrors = new Set(['passcode_required', 'passcode_invalid', 'passcode_rate_limited']);
// A restart-ice request not answered this soon: the socket is dead too (see onIceRestartNeeded).
const kRestartIceReplyMs = 3_000;
// When ICE goes `disconnected` the socket is probed with a ping; no reply this soon means the
// network changed under both (a new address): the session is resumed at once (resume.ts).
const kSocketProbeMs = 2_000;

export class Call {
  private signalling: SignallingClient | null = null;
  private tileSizes: TileSizeReporter | null = null;
  private peer: PeerSession | null = null;
  private view: CallView | null = null;
  private selfTile: Tile | null = null;
  private local: MediaStream | null = null;
  private wish: MediaWish = { audio: true, video: true };
  private audioMuted = false;
  private videoMuted = false;
  private readonly participants = new Map<string, Participant>();
  private readonly pendingTracks = new Map<string, MediaStreamTrack[]>();
  // Our own ids from earlier connections: after a reconnect the server may still list the old
  // participant until it notices the dead socket; that ghost is not shown as somebody else.
  private readonly ownPastIds = new Set<string>();
  private generation = 0;
  private reconnectAttempt = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private attempting = false;
  private isHost = false;
  private selfInfo: Participant | null = null;
  private hands: string[] = [];
  // Low-bandwidth choices: the state in force, and this page's own choice (kept across reconnects).
  private receive: ReceiveState = { mode: 'all', choice: null, roomDefault: 'all' };
  private receiveChoice: ReceiveMode | 'room-default' = 'room-default';
  private screensChoice: ScreenChoice | 'room-default' = 'room-default';
  private panel: RoomPanel | null = null;
  // Series rooms: the current meeting's cases and Q&A under the panel (ui/meeting_room_panel.ts).
  private stopMeetingPanel: (() => void) | null = null;
  private micLocked = false;
  // The running agenda item and when (performance.now()) its elapsed time was true.
  private agenda: { state: AgendaState; at: number } | null = null;
  private agendaTimer: ReturnType<typeof setInterval> | undefined;
  // While waiting in the lobby: settled by lobby-admitted, lobby-denied or a lost socket.
  private lobbyWait: { resolve(reply: JoinReply): void; reject(error: SignallingError): void } | null = null;
  // Session resumption (resume.ts): the token of the last join/resume reply, the server's grace
  // period, and the loop trying new sockets after the old one was lost.
  private resumeToken: string | null = null;
  private resumeGraceMs = 0;
  private resumeLoop: ResumeLoop | null = null;
  private audioMutedAtLoss = false;  // what the server knew when the socket was lost
  // Our screen capture and others' screen tiles (screen_share.ts); lives across reconnects.
  private readonly screenShare = this.makeScreenShare();

  constructor(
    private readonly room: string,
    private readonly name: string,
    private readonly hook: DiagnosticsHook,
    private readonly onChangeRoomOrName: () => void,
    private readonly access: JoinAccess = {},
    private readonly onHostTokenRefused: () => void = () => undefined,
  ) {
    hook.room = room;
  }

  /** Asks for camera and microphone (as wished), then joins. */
  async start(wish: MediaWish = { audio: true, video: true }): Promise<void> {
    this.wish = wish;
    this.setState('acquiring-media');
    showProgress(t('acquiringMedia'));
    stopStream(this.local);
    this.local = null;
    try {
      this.local = await acquireMedia(wish);
    } catch (error) {
      if (error instanceof MediaProblem) {
        this.showMediaProblem(error, wish);
        return;
      }
      throw error;
    }
    await this.connectFirst();
  }

  private showMediaProblem(problem: MediaProblem, wish: MediaWish): void {
    console.warn('rounds: media problem', problem.kind, problem.detail);
    this.setState('media-problem', problem.kind);
    const headings = {
      denied: [t('mediaDeniedHeading'), t('mediaDenied')],
      missing: [t('mediaMissingHeading'), t('mediaMissing')],
      'in-use': [t('mediaInUseHeading'), t('mediaInUse')],
      insecure: [t('mediaInsecureHeading'), t('mediaInsecure')],
      other: [t('mediaOtherHeading'), t('mediaOther', { detail: problem.detail })],
    } as const;
    const [heading, text] = headings[problem.kind];
    // The way forward first (it gets the focus); retrying only helps once the cause is fixed.
    const actions = [];
    if (problem.kind !== 'insecure' && wish.video) {
      actions.push({
        label: t('joinAudioOnly'),
        id: 'join-audio-only',
        primary: true,
        onClick: () => void this.start({ audio: true, video: false }),
      });
    }
    actions.push({
      label: t('joinWatchOnly'),
      id: 'join-watch-only',
      primary: actions.length === 0,
      onClick: () => void this.start({ audio: false, video: false }),
    });
    if (problem.kind !== 'insecure') {
      actions.push({ label: t('tryAgain'), id: 'media-retry', onClick: () => void this.start(wish) });
    }
    showMessage('media-problem', heading, text, actions);
  }

  private async connectFirst(): Promise<void> {
    this.reconnectAttempt = 0;
    this.setState('connecting');
    showProgress(t('connecting', { room: this.room }));
    const error = await this.connect();
    if (error === 'stale') return;
    if (error?.code === 'host_invalid' && this.access.hostToken) {
      // A stale sign-in: forget it and come in like anyone else (invitation or lobby).
      console.warn('rounds: host session refused:', error.message);
      delete this.access.hostToken;
      this.onHostTokenRefused();
      await this.connectFirst();
      return;
    }
    if (error && kPasscodeErrors.has(error.code)) {
      this.askPasscode(error);
      return;
    }
    if (error) {
      this.showFailure(error);
      return;
    }
    announce(t('announceInRoom', { room: this.room }));
  }

  /** A passcode-protected series room: ask, then join again with it. */
  private askPasscode(error: SignallingError): void {
    this.teardownConnection();
    this.setState('failed', error.code);
    const message =
      error.code === 'passcode_invalid'
        ? t('passcodeInvalid')
        : error.code === 'passcode_rate_limited'
          ? t('passcodeRateLimited', { detail: error.message })
          : null;
    showPasscodePrompt(
      message,
      (passcode) => {
        this.access.passcode = passcode;
        void this.connectFirst();
      },
      () => {
        this.setState('idle');
        stopStream(this.local);
        this.local = null;
        this.onChangeRoomOrName();
      },
    );
  }

  /** One attempt: new socket, new peer connection, join. Returns null on success. */
  private async connect(): Promise<SignallingError | 'stale' | null> {
    const generation = ++this.generation;
    this.teardownConnection();
    const stale = () => generation !== this.generation;
    let signalling: SignallingClient;
    try {
      signalling = await SignallingClient.connect(signallingUrl(window.location), this.signallingListener(stale));
    } catch (error) {
      return stale() ? 'stale' : asSignallingError(error);
    }
    if (stale()) {
      signalling.close();
      return 'stale';
    }
    this.signalling = signalling;
    this.tileSizes?.close();
    this.tileSizes = new TileSizeReporter((id, width, height) => signalling.tile(id, width, height));
    for (const tile of this.view?.grid.remote() ?? []) this.tileSizes.watch(tile.id, tile.element);
    // The peer connection exists before join: the server's offer follows the join reply at once.
    // The peer connection outlives a resumed socket: its callbacks count while it is ours.
    const peerGone = () => this.peer !== peer;
    const peer: PeerSession = new PeerSession(this.local, {
      onRemoteTrack: (id, track, screen) => !peerGone() && this.onRemoteTrack(id, track, screen),
      onPeerLost: (state) => !peerGone() && this.onConnectionLost(`peer connection ${state}`),
      onIceRestartNeeded: () => !peerGone() && this.requestIceRestart(),
    });
    this.peer = peer;
    this.hook.pc = peer.pc;
    peer.pc.addEventListener('iceconnectionstatechange', () => {
      if (!peerGone() && peer.pc.iceConnectionState === 'disconnected') this.probeSignalling();
    });
    const hasAudio = !!this.local?.getAudioTracks().length;
    const hasVideo = !!this.local?.getVideoTracks().length;
    try {
      let reply = await signalling.join(this.room, this.name, hasAudio, hasVideo, this.access);
      if (stale()) return 'stale';
      if (reply.lobby === true) {
        // Back in the lobby after a reconnect: the call screen goes; admission builds a new one.
        if (this.hook.participantId) this.ownPastIds.add(this.hook.participantId);
        if (this.view) this.dropCall();
        this.setState('lobby');
        showMessage('lobby', t('lobbyWaitingHeading'), t('lobbyWaiting', { room: this.room }), [
          { label: t('leaveButton'), id: 'lobby-leave', onClick: () => void this.leave() },
        ]);
        reply = await new Promise<JoinReply>((resolve, reject) => {
          this.lobbyWait = { resolve, reject };
        });
        if (stale()) return 'stale';
        announce(t('announceAdmitted'));
      }
      if (this.hook.participantId) this.ownPastIds.add(this.hook.participantId);
      this.hook.participantId = reply.participantId;
      this.noteResumeToken(reply);
      this.selfInfo = toParticipant(reply.self);
      this.isHost = this.selfInfo?.host === true;
      this.hook.role = this.selfInfo?.role ?? null;
      this.micLocked = this.selfInfo?.audioLocked === true;
      if (this.micLocked) {
        // Back after a reload or reconnect while a host keeps us muted.
        this.audioMuted = true;
        const track = this.local?.getAudioTracks()[0];
        if (track) track.enabled = false;
      }
      // An observer publishes nothing until a host promotes them (docs/signalling.md).
      peer.setPublishing(this.selfInfo?.role !== 'observer');
      peer.configure(Array.isArray(reply.iceServers) ? reply.iceServers : []);
      this.enterCall((Array.isArray(reply.participants) ? reply.participants : []).map(toParticipant).filter(isParticipant));
      this.onHands(Array.isArray(reply.hands) ? reply.hands.filter((id) => typeof id === 'string') : [], null);
      if (this.isHost) this.onLobby(toLobby(Array.isArray(reply.waiting) ? reply.waiting : []));
      if (reply.receive) this.onReceive(reply.receive);
      // A choice made before a reconnect is made again for the new session.
      if (this.receiveChoice !== 'room-default') this.chooseReceive(this.receiveChoice);
      if (this.screensChoice !== 'room-default') this.chooseScreens(this.screensChoice);
      this.resumeScreens();
    } catch (error) {
      if (stale()) return 'stale';
      this.teardownConnection();
      return asSignallingError(error);
    }
    if (this.audioMuted || this.videoMuted) {
      signalling.update({ audioMuted: this.audioMuted, videoMuted: this.videoMuted }).catch(logUpdateError);
    }
    this.setState('joined');
    return null;
  }

  /** What one socket's notifications do; `stale` is true once that socket is no longer ours. */
  private signallingListener(stale: () => boolean): SignallingListener {
    return {
      onOffer: (offerId, sdp) => !stale() && this.onOffer(offerId, sdp),
      onParticipantJoined: (p) => !stale() && this.onParticipantJoined(p),
      onParticipantUpdated: (p) => !stale() && this.onParticipantUpdated(p),
      onParticipantLeft: (id, reason) => !stale() && this.onParticipantLeft(id, reason),
      onRoster: (joined, left) => !stale() && this.onRoster(joined, left),
      onClose: (code) => {
        if (stale()) return;
        if (this.lobbyWait) this.settleLobby(new SignallingError('lost', `socket closed (${code})`));
        else this.onSignallingLost(`socket closed (${code})`);
      },
      onLobby: (waiting) => !stale() && this.onLobby(waiting),
      onLobbyAdmitted: (reply) => !stale() && this.settleLobby(reply),
      onLobbyDenied: (reason) =>
        !stale() && this.settleLobby(new SignallingError('lobby_denied', reason === 'room_full' ? 'room_full' : 'denied')),
      onHands: (queue, loweredBy) => !stale() && this.onHands(queue, loweredBy),
      onMutedByHost: (locked) => !stale() && this.onMutedByHost(locked),
      onUnmuteAllowed: () => !stale() && this.onUnmuteAllowed(),
      onRemoved: () => !stale() && this.onRemoved(),
      onAgenda: (agenda) => !stale() && this.onAgenda(agenda),
      onReceive: (state) => !stale() && this.onReceive(state),
      onShareStopped: (byName) => !stale() && this.screenShare.stoppedByHost(byName),
    };
  }

  /** Asks the server for new ICE credentials (a new offer follows); see kRestartIceReplyMs. */
  private requestIceRestart(): void {
    const signalling = this.signalling;
    // While the session is being resumed there is no socket; the resume asks once it is back.
    if (!signalling || this.hook.state !== 'joined') return;
    this.hook.iceRestarts += 1;
    const generation = this.generation;
    // When the address changed, the signalling socket's TCP connection went with the old
    // address and may not know it yet (no reset arrives): a request it does not answer soon
    // means the socket is lost, and a resume on a new one starts now.
    const unanswered = setTimeout(() => {
      if (generation === this.generation) this.onSignallingLost('restart-ice not answered');
    }, kRestartIceReplyMs);
    // A failed request (socket closing) ends in onClose's resume anyway.
    signalling.restartIce().then(
      () => clearTimeout(unanswered),
      (error: unknown) => {
        clearTimeout(unanswered);
        console.warn('rounds: restart-ice failed', error);
      },
    );
  }

  /** Whether the socket still carries anything: a ping unanswered within kSocketProbeMs means no. */
  private probeSignalling(): void {
    const signalling = this.signalling;
    if (!signalling || this.hook.state !== 'joined' || !this.resumeToken) return;
    const generation = this.generation;
    const unanswered = setTimeout(() => {
      if (generation === this.generation) this.onSignallingLost('ping not answered');
    }, kSocketProbeMs);
    signalling.ping().then(
      () => clearTimeout(unanswered),
      () => clearTimeout(unanswered),  // a closed socket ends in onClose's resume
    );
  }

  private noteResumeToken(reply: JoinReply): void {
    this.resumeToken = typeof reply.resumeToken === 'string' ? reply.resumeToken : null;
    this.resumeGraceMs = typeof reply.resumeGraceMs === 'number' ? reply.resumeGraceMs : 0;
  }

  /**
   * The signalling socket is gone (closed, or a request went unanswered). With a resume token the
   * page keeps its call and peer connection and tries `resume` on new sockets while the server's
   * grace period lasts; otherwise (or when that fails) it joins again as a new session.
   */
  private onSignallingLost(why: string): void {
    if (this.hook.state !== 'joined' || !this.resumeToken || !this.peer || !this.view || this.resumeLoop) {
      this.onConnectionLost(why);
      return;
    }
    console.warn('rounds: signalling lost, resuming the session:', why);
    this.audioMutedAtLoss = this.audioMuted;
    this.generation++;  // the old socket's callbacks and timers go stale
    this.signalling?.close(kCloseResuming);
    this.signalling = null;
    this.tileSizes?.close();
    this.tileSizes = null;
    this.setState('reconnecting');
    this.view.showReconnecting(1);
    announce(t('announceReconnecting'));
    const loop = new ResumeLoop(
      this.resumeGraceMs,
      () => this.resumeOnce(),
      (result) => this.onResumeDone(loop, result),
    );
    this.resumeLoop = loop;
    loop.start();
  }

  /** One resume attempt on a fresh socket. */
  private async resumeOnce(): Promise<ResumeOutcome> {
    const token = this.resumeToken;
    if (!token || !this.peer) return 'refused';
    const generation = ++this.generation;
    const stale = () => generation !== this.generation;
    let signalling: SignallingClient;
    try {
      signalling = await SignallingClient.connect(signallingUrl(window.location), this.signallingListener(stale));
    } catch {
      return stale() ? 'stale' : 'retry';
    }
    if (stale()) {
      signalling.close(kCloseResuming);
      return 'stale';
    }
    try {
      const reply = await signalling.resume(this.room, token);
      if (stale()) return 'stale';
      if (reply.participantId !== this.hook.participantId) throw new SignallingError('resume_failed', 'another participant');
      this.signalling = signalling;
      this.applyResume(reply, signalling);
      return 'resumed';
    } catch (error) {
      if (stale()) return 'stale';
      signalling.close(kCloseResuming);
      return asSignallingError(error).code === 'resume_failed' ? 'refused' : 'retry';
    }
  }

  /** Back in the same session: bring the page up to date without touching tiles or tracks. */
  private applyResume(reply: JoinReply, signalling: SignallingClient): void {
    this.noteResumeToken(reply);
    this.hook.resumes += 1;
    const self = toParticipant(reply.self);
    if (self) {
      this.onSelfUpdated(self);
      this.micLocked = self.audioLocked === true;
      // A host muted us while we were away (our own muting had reached the server before).
      if (self.audioMuted && !this.audioMutedAtLoss && !this.audioMuted) this.onMutedByHost(this.micLocked);
    }
    this.peer?.configure(Array.isArray(reply.iceServers) ? reply.iceServers : []);
    // Who joined or left while we were away (the server told us nothing meanwhile).
    const others = (Array.isArray(reply.participants) ? reply.participants : []).map(toParticipant).filter(isParticipant);
    const present = new Set(others.map((p) => p.id));
    for (const id of [...this.participants.keys()]) if (!present.has(id)) this.onParticipantLeft(id, 'disconnected');
    for (const participant of others) {
      if (this.participants.has(participant.id)) this.onParticipantUpdated(participant);
      else this.onParticipantJoined(participant);
    }
    this.onHands(Array.isArray(reply.hands) ? reply.hands.filter((id) => typeof id === 'string') : [], null);
    if (this.isHost) this.onLobby(toLobby(Array.isArray(reply.waiting) ? reply.waiting : []));
    if (reply.receive) this.onReceive(reply.receive);
    this.tileSizes = new TileSizeReporter((id, width, height) => signalling.tile(id, width, height));
    for (const tile of this.view?.grid.remote() ?? []) this.tileSizes.watch(tile.id, tile.element);
    // What changed here while the socket was gone (the server kept the old state).
    if (self && (self.audioMuted !== this.audioMuted || self.videoMuted !== this.videoMuted)) {
      signalling.update({ audioMuted: this.audioMuted, videoMuted: this.videoMuted }).catch(logUpdateError);
    }
    this.view?.showReconnecting(null);
    this.refreshControls();
    this.syncHook();
    this.setState('joined');
    // The media path most likely died with the socket (a new address): new ICE credentials now.
    const ice = this.peer?.pc.iceConnectionState;
    if (ice !== 'connected' && ice !== 'completed') this.peer?.restartNow();
  }

  private onResumeDone(loop: ResumeLoop, result: ResumeResult): void {
    if (this.resumeLoop !== loop) return;
    this.resumeLoop = null;
    if (result === 'resumed') {
      announce(t('announceReconnected'));
      return;
    }
    console.warn(`rounds: the session could not be resumed (${result}); joining again`);
    this.resumeToken = null;
    this.generation++;
    this.teardownConnection();
    this.reconnectAttempt = 0;
    void this.reconnect();
  }

  private enterCall(others: Participant[]): void {
    if (!this.view) {
      this.view = new CallView(this.room, {
        onToggleMic: () => this.toggleMic(),
        onToggleCamera: () => this.toggleCamera(),
        onLeave: () => void this.leave(),
        onReconnectNow: () => this.reconnectNow(),
        onEnableSound: () => {
          this.view?.grid.playAll();
          this.view?.showSoundBlocked(false);
        },
        onToggleHand: () => this.toggleHand(),
      });
      this.panel = new RoomPanel(this.view.side, {
        onLowerHand: (id) => {
          this.signalling?.hand(false, id).catch(logUpdateError);
        },
        onDecide: (lobbyId, admit) => {
          this.signalling?.decide(lobbyId, admit).catch(logUpdateError);
        },
        onMute: (id, locked) => this.signalling?.mute(id, locked).catch(logUpdateError),
        onAllowUnmute: (id) => this.signalling?.allowUnmute(id).catch(logUpdateError),
        onSetRole: (id, role: RoomRole) => this.signalling?.setRole(id, role).catch(logUpdateError),
        onSetPresenter: (id) => this.signalling?.setPresenter(id).catch(logUpdateError),
        onRemove: (id) => this.signalling?.remove(id).catch(logUpdateError),
        onReceiveChoice: (mode) => this.chooseReceive(mode),
        onRoomReceive: (mode) => {
          this.signalling
            ?.receive(mode, true)
            .then((state) => this.onReceive(state))
            .catch(logUpdateError);
        },
        onScreenChoice: (choice) => this.chooseScreens(choice),
        onRoomScreens: (choice) => {
          this.signalling
            ?.receiveScreens(choice, true)
            .then((state) => this.onReceive(state))
            .catch(logUpdateError);
        },
        onStopShare: (id) => this.signalling?.stopShare(id).catch(logUpdateError),
      });
      this.stopMeetingPanel = mountMeetingPanel(this.view.side, this.room);
      for (const button of this.screenShare.buttons) this.view.addControl(button);
      this.selfTile = new Tile('self', this.name, true, () => undefined);
      this.selfTile.setLocalStream(this.local);
      this.view.grid.add(this.selfTile);
    }
    this.selfTile?.setName(this.selfInfo?.name ?? this.name);
    this.selfTile?.setAffiliation(this.selfInfo ?? {});
    this.view.grid.clearRemote();
    this.screenShare.clearRemote();
    this.participants.clear();
    this.pendingTracks.clear();
    for (const participant of others) this.addParticipant(participant);
    this.refreshPeople();
    this.view.showReconnecting(null);
    this.refreshControls();
    this.syncHook();
  }

  private onOffer(offerId: number, sdp: string): void {
    const peer = this.peer;
    const signalling = this.signalling;
    if (!peer || !signalling) return;
    peer
      .answerOffer(sdp)
      .then((answer) => signalling.answer(offerId, answer))
      .catch((error: unknown) => {
        if (error instanceof SignallingError && error.code === 'closed') return;
        // An unanswered offer stalls the session (one offer in flight); start afresh.
        console.error('rounds: could not answer offer', offerId, error);
        this.onConnectionLost('offer not answered');
      });
  }

  private onParticipantJoined(participant: Participant): void {
    if (participant.id === this.hook.participantId || this.ownPastIds.has(participant.id)) return;
    this.addParticipant(participant);
    announce(t('announceJoined', { name: participant.name }));
  }

  private addParticipant(participant: Participant): void {
    if (!this.view || participant.id === this.hook.participantId || this.ownPastIds.has(participant.id)) return;
    this.participants.set(participant.id, participant);
    let tile = this.view.grid.get(participant.id);
    if (!tile) {
      tile = new Tile(participant.id, participant.name, false, () => this.view?.showSoundBlocked(true));
      this.view.grid.add(tile);
    }
    tile.setName(participant.name);
    tile.setAffiliation(participant);
    tile.setMuted(participant.audioMuted, participant.videoMuted);
    this.tileSizes?.watch(participant.id, tile.element);
    for (const track of this.pendingTracks.get(participant.id) ?? []) tile.addTrack(track);
    this.pendingTracks.delete(participant.id);
    this.screenShare.onParticipant(participant);
    this.view.updateCount();
    this.refreshPeople();
    this.syncHook();
  }

  private refreshPeople(): void {
    this.panel?.setParticipants([...this.participants.values()], this.isHost);
  }

  private onParticipantUpdated(participant: Participant): void {
    if (participant.id === this.hook.participantId) {
      this.onSelfUpdated(participant);
      return;
    }
    if (!this.participants.has(participant.id)) return;
    this.participants.set(participant.id, participant);
    const tile = this.view?.grid.get(participant.id);
    tile?.setName(participant.name);
    tile?.setAffiliation(participant);
    tile?.setMuted(participant.audioMuted, participant.videoMuted);
    this.screenShare.onParticipant(participant);
    this.syncHook();
    this.refreshPeople();
  }

  /** A host changed our role (or the directory did): publishing, host controls, label. */
  private onSelfUpdated(self: Participant): void {
    const wasObserver = this.selfInfo?.role === 'observer';
    const wasHost = this.isHost;
    this.selfInfo = self;
    this.isHost = self.host === true;
    this.hook.role = self.role ?? null;
    this.selfTile?.setAffiliation(self);
    const observer = self.role === 'observer';
    if (observer !== wasObserver) {
      this.peer?.setPublishing(!observer);
      this.screenShare.setAllowed(!observer);
      announce(t(observer ? 'announceObserver' : 'announceSpeaker'));
    }
    if (this.isHost && !wasHost) announce(t('announceCoHost'));
    if (this.isHost !== wasHost) {
      this.refreshPeople();
      this.panel?.setHands(this.hands, (id) => this.nameOf(id), this.isHost);
    }
    this.renderAgenda();
  }

  private onMutedByHost(locked: boolean): void {
    const track = this.local?.getAudioTracks()[0];
    this.audioMuted = true;
    if (track) track.enabled = false;
    this.micLocked = locked;
    this.refreshControls();
    announce(t(locked ? 'mutedByHostLocked' : 'mutedByHost'));
    this.view?.showNotice(t(locked ? 'mutedByHostLocked' : 'mutedByHost'));
  }

  private onUnmuteAllowed(): void {
    this.micLocked = false;
    this.refreshControls();
    announce(t('unmuteAllowed'));
    this.view?.showNotice(t('unmuteAllowed'));
  }

  private onRemoved(): void {
    // The server closes the socket next: no reconnect (a rejoin goes through the lobby).
    this.generation++;
    clearTimeout(this.reconnectTimer);
    this.teardownConnection();
    this.dropCall();
    stopStream(this.local);
    this.local = null;
    this.setState('failed', 'removed');
    showMessage('error', t('removedHeading'), t('removed', { room: this.room }), [
      {
        label: t('backToJoin'),
        id: 'back',
        primary: true,
        onClick: () => {
          this.setState('idle');
          this.onChangeRoomOrName();
        },
      },
    ]);
  }

  private onAgenda(agenda: AgendaState | null): void {
    this.agenda = agenda ? { state: agenda, at: performance.now() } : null;
    clearInterval(this.agendaTimer);
    this.agendaTimer = agenda ? setInterval(() => this.renderAgenda(), kAgendaTickMs) : undefined;
    this.renderAgenda();
  }

  /** The agenda item's clock runs here between the server's messages (one each change). */
  private renderAgenda(): void {
    const agenda = this.agenda;
    const me = this.hook.participantId;
    const elapsed = agenda ? agenda.state.elapsedMs + (performance.now() - agenda.at) + this.hook.agendaSkewMs : 0;
    const presenter = !!agenda && !!me && agenda.state.presenterIds.includes(me);
    this.panel?.setAgenda(agenda?.state ?? null, elapsed, presenter);
    this.hook.agenda = agenda?.state.title ?? null;
    this.hook.overrun = presenter && !!agenda && elapsed > agenda.state.minutes * 60_000;
  }

  private onParticipantLeft(id: string, _reason: LeftReason): void {
    const participant = this.removeParticipant(id);
    if (participant) announce(t('announceLeft', { name: participant.name }));
  }

  private removeParticipant(id: string): Participant | undefined {
    const participant = this.participants.get(id);
    this.participants.delete(id);
    this.pendingTracks.delete(id);
    this.tileSizes?.unwatch(id);
    this.view?.grid.remove(id);
    this.screenShare.remove(id);
    this.view?.updateCount();
    this.refreshPeople();
    this.syncHook();
    return participant;
  }

  /** Joins and leaves told together: one announcement for each kind, not one per person. */
  private onRoster(joined: Participant[], left: { id: string; reason: LeftReason }[]): void {
    const arrived = joined.filter((p) => p.id !== this.hook.participantId && !this.ownPastIds.has(p.id));
    for (const participant of arrived) this.addParticipant(participant);
    const gone = left.map((l) => this.removeParticipant(l.id)).filter((p): p is Participant => p !== undefined);
    const phrases: string[] = [];
    if (arrived.length === 1) phrases.push(t('announceJoined', { name: arrived[0].name }));
    else if (arrived.length > 1) phrases.push(t('announceJoinedMany', { count: arrived.length }));
    if (gone.length === 1) phrases.push(t('announceLeft', { name: gone[0].name }));
    else if (gone.length > 1) phrases.push(t('announceLeftMany', { count: gone.length }));
    if (phrases.length) announce(phrases.join('. '));
  }

  /** Settles the lobby wait: admitted with the join data, or refused/lost with an error. */
  private settleLobby(outcome: JoinReply | SignallingError): void {
    const wait = this.lobbyWait;
    this.lobbyWait = null;
    if (!wait) return;
    if (outcome instanceof SignallingError) wait.reject(outcome);
    else wait.resolve(outcome);
  }

  private onLobby(waiting: LobbyEntry[]): void {
    const before = new Set(this.hook.waiting);
    this.hook.waiting = waiting.map((entry) => entry.name);
    this.panel?.setLobby(waiting);
    for (const entry of waiting) if (!before.has(entry.name)) announce(t('announceWaiting', { name: entry.name }));
  }

  /** Low-bandwidth choice: asks the server to send only what `mode` wants. */
  private chooseReceive(mode: ReceiveMode | 'room-default'): void {
    this.receiveChoice = mode;
    this.signalling
      ?.receive(mode)
      .then((state) => this.onReceive(state))
      .catch(logUpdateError);
  }

  /** "No incoming screen video" ('hide'), or screens again; kept across reconnects. */
  private chooseScreens(choice: ScreenChoice | 'room-default'): void {
    this.screensChoice = choice;
    this.signalling
      ?.receiveScreens(choice)
      .then((state) => this.onReceive(state))
      .catch(logUpdateError);
  }

  private onReceive(state: ReceiveState): void {
    const changed = state.mode !== this.receive.mode;
    if (state.screen && state.screen !== this.receive.screen && this.receive.screen) {
      announce(t(state.screen === 'hide' ? 'announceScreensHidden' : 'announceScreensShown'));
    }
    this.receive = state;
    this.hook.receive = state.mode;
    this.hook.screens = state.screen ?? 'show';
    this.panel?.setReceive(state, this.isHost);
    if (changed) announce(t('announceReceive', { mode: receiveModeText(state.mode) }));
  }

  private onHands(queue: string[], loweredBy: string | null): void {
    const me = this.hook.participantId;
    const hadHand = !!me && this.hands.includes(me);
    const raisedNow = queue.filter((id) => !this.hands.includes(id));
    this.hands = queue;
    this.hook.hands = [...queue];
    const mine = !!me && queue.includes(me);
    this.view?.setHandRaised(mine);
    this.panel?.setHands(queue, (id) => this.nameOf(id), this.isHost);
    if (hadHand && !mine && loweredBy && loweredBy !== me) announce(t('announceFloor'));
    for (const id of raisedNow) if (id !== me) announce(t('announceHandRaised', { name: this.nameOf(id) }));
  }

  private nameOf(id: string): string {
    if (id === this.hook.participantId) return t('you', { name: this.selfInfo?.name ?? this.name });
    return this.participants.get(id)?.name ?? id;
  }

  private toggleHand(): void {
    const me = this.hook.participantId;
    if (!me) return;
    this.signalling?.hand(!this.hands.includes(me)).catch(logUpdateError);
  }

  private onRemoteTrack(participantId: string, track: MediaStreamTrack, screen: boolean): void {
    if (screen) {
      this.screenShare.onRemoteScreen(participantId, track);
      this.syncHook();
      return;
    }
    const tile = this.view?.grid.get(participantId);
    if (tile) {
      tile.addTrack(track);
      if (track.kind === 'video') this.tileSizes?.resend(participantId);
    } else {
      // The offer can come before participant-joined (a join may wait for the roster batch,
      // docs/signalling.md "Roster"): hold the track until the name is known.
      const held = this.pendingTracks.get(participantId) ?? [];
      held.push(track);
      this.pendingTracks.set(participantId, held);
    }
  }

  private onConnectionLost(why: string): void {
    if (this.hook.state !== 'joined' && this.hook.state !== 'connecting') return;
    console.warn('rounds: connection lost:', why);
    this.generation++;
    this.teardownConnection();
    if (!this.view) {
      this.showFailure(new SignallingError('lost', why));
      return;
    }
    this.setState('reconnecting');
    announce(t('announceReconnecting'));
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    this.reconnectAttempt++;
    if (this.reconnectAttempt > kMaxReconnectAttempts) {
      this.showFailure(new SignallingError('lost', 'gave up reconnecting'));
      return;
    }
    this.view?.showReconnecting(this.reconnectAttempt);
    const delay = Math.min(1000 * 2 ** (this.reconnectAttempt - 1), kMaxBackoffMs);
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.reconnect(), delay);
  }

  private stopResuming(): void {
    this.resumeLoop?.cancel();
    this.resumeLoop = null;
  }

  private reconnectNow(): void {
    if (this.hook.state !== 'reconnecting' || this.attempting || this.resumeLoop) return;
    clearTimeout(this.reconnectTimer);
    void this.reconnect();
  }

  private async reconnect(): Promise<void> {
    if (this.hook.state !== 'reconnecting' || this.attempting) return;
    this.attempting = true;
    const error = await this.connect();
    this.attempting = false;
    if (error === 'stale') return;
    if (error) {
      console.warn('rounds: reconnect attempt failed:', error.code, error.message);
      if (this.hook.state === 'reconnecting') this.scheduleReconnect();
      else if (this.hook.state === 'lobby') this.showFailure(error);  // denied or lost while waiting
      return;
    }
    this.reconnectAttempt = 0;
    announce(t('announceReconnected'));
  }

  private toggleMic(): void {
    const track = this.local?.getAudioTracks()[0];
    if (!track) return;
    if (this.micLocked && this.audioMuted) {
      announce(t('micLockedTitle'));
      return;
    }
    this.audioMuted = !this.audioMuted;
    track.enabled = !this.audioMuted;
    this.signalling?.update({ audioMuted: this.audioMuted }).catch(logUpdateError);
    this.refreshControls();
    announce(t(this.audioMuted ? 'announceMuted' : 'announceUnmuted'));
  }

  private toggleCamera(): void {
    const track = this.local?.getVideoTracks()[0];
    if (!track) return;
    this.videoMuted = !this.videoMuted;
    track.enabled = !this.videoMuted;
    this.signalling?.update({ videoMuted: this.videoMuted }).catch(logUpdateError);
    this.refreshControls();
    announce(t(this.videoMuted ? 'announceCameraOff' : 'announceCameraOn'));
  }

  private refreshControls(): void {
    const hasAudio = !!this.local?.getAudioTracks().length;
    const hasVideo = !!this.local?.getVideoTracks().length;
    this.view?.setControls({ hasAudio, hasVideo, audioMuted: this.audioMuted, videoMuted: this.videoMuted, micLocked: this.micLocked });
    this.hook.micLocked = this.micLocked;
    this.selfTile?.setMuted(this.audioMuted || !hasAudio, this.videoMuted || !hasVideo);
  }

  async leave(): Promise<void> {
    this.generation++;
    this.stopResuming();
    clearTimeout(this.reconnectTimer);
    this.setState('left');
    const signalling = this.signalling;
    if (signalling?.isOpen) {
      // The server closes the socket after its reply; do not wait long for it.
      await Promise.race([signalling.leave().catch(() => undefined), sleep(kLeaveReplyWaitMs)]);
    }
    this.teardownConnection();
    this.dropCall();
    stopStream(this.local);
    this.local = null;
    showMessage('left', t('leftHeading'), t('left', { room: this.room }), [
      {
        label: t('rejoin'),
        ariaLabel: t('rejoinLabel', { room: this.room }),
        id: 'rejoin',
        primary: true,
        onClick: () => void this.start(this.wish),
      },
    ]);
  }

  private showFailure(error: SignallingError): void {
    this.generation++;
    this.stopResuming();
    clearTimeout(this.reconnectTimer);
    this.teardownConnection();
    this.dropCall();
    const code = error.code === 'closed' || error.code === 'timeout' ? 'unreachable' : error.code;
    this.setState('failed', code);
    const retry = { label: t('tryAgain'), id: 'retry', primary: true, onClick: () => void this.connectFirst() };
    const back = {
      label: t('backToJoin'),
      id: 'back',
      onClick: () => {
        this.generation++;
        stopStream(this.local);
        this.local = null;
        this.setState('idle');
        this.onChangeRoomOrName();
      },
    };
    if (code === 'unreachable') {
      showMessage('error', t('unreachableHeading'), t('unreachable'), [retry, back]);
    } else if (code === 'room_full') {
      showMessage('error', t('roomFullHeading'), t('roomFull', { room: this.room }), [retry, back]);
    } else if (code === 'lobby_denied') {
      const text = error.message === 'room_full' ? t('lobbyFull', { room: this.room }) : t('lobbyDenied', { room: this.room });
      showMessage('error', t('lobbyDeniedHeading'), text, [back]);
    } else if (code === 'invite_invalid') {
      showMessage('error', t('inviteInvalidHeading'), t('inviteInvalid', { detail: error.message }), [back]);
    } else if (code === 'host_invalid') {
      showMessage('error', t('hostInvalidHeading'), t('hostInvalid', { detail: error.message }), [back]);
    } else if (code === 'lost') {
      showMessage('error', t('lostHeading'), t('lost'), [retry, back]);
    } else {
      showMessage('error', t('joinFailedHeading'), t('joinFailed', { detail: error.message }), [retry, back]);
    }
  }

  private teardownConnection(): void {
    this.settleLobby(new SignallingError('closed', 'left the lobby'));
    this.signalling?.close();
    this.signalling = null;
    this.tileSizes?.close();
    this.tileSizes = null;
    this.peer?.close();
    this.peer = null;
    this.hook.pc = null;
  }

  private dropCall(): void {
    this.screenShare.stop(false);
    this.screenShare.clearRemote();
    clearInterval(this.agendaTimer);
    this.agendaTimer = undefined;
    this.agenda = null;
    this.hook.agenda = null;
    this.hook.overrun = false;
    this.view = null;
    this.panel = null;
    this.stopMeetingPanel?.();
    this.stopMeetingPanel = null;
    this.selfTile = null;
    this.hands = [];
    this.hook.hands = [];
    this.hook.waiting = [];
    this.participants.clear();
    this.pendingTracks.clear();
    this.hook.participantId = null;
    this.syncHook();
  }

  private setState(state: CallState, error: string | null = null): void {
    this.hook.state = state;
    this.hook.error = error;
    document.body.dataset.state = state;
  }

  private syncHook(): void {
    this.hook.participants = Object.fromEntries([...this.participants].map(([id, p]) => [id, p.name]));
    this.hook.sharing = this.screenShare?.sharing ?? false;
    this.hook.shownScreens = this.screenShare?.shownScreens() ?? [];
  }

  /** Screen sharing (screen_share.ts) sees the current session through these. */
  private makeScreenShare(): ScreenShare {
    return new ScreenShare({
      peer: () => this.peer,
      signalling: () => this.signalling,
      grid: () => this.view?.grid ?? null,
      nameOf: (id) => this.participants.get(id)?.name ?? null,
      onAutoplayBlocked: () => this.view?.showSoundBlocked(true),
      onChange: () => this.syncHook(),
    });
  }

  /** A new session: observers may not share; a capture we still have is shared again. */
  private resumeScreens(): void {
    this.screenShare.setAllowed(this.selfInfo?.role !== 'observer');
    this.screenShare.resume();
  }
}

function asSignallingError(error: unknown): SignallingError {
  if (error instanceof SignallingError) return error;
  return new SignallingError('internal', error instanceof Error ? error.message : String(error));
}

function isParticipant(value: Participant | null): value is Participant {
  return value !== null;
}

function logUpdateError(error: unknown): void {
  console.warn('rounds: update not sent', error);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
