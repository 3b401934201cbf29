// WebSocket client for the Rounds signalling protocol, version 1 (docs/signalling.md): requests with
// ids and their replies as promises, server notifications as listener calls. One object per socket.

export interface Participant {
  id: string;
  name: string;
  audioMuted: boolean;
  videoMuted: boolean;
  /** From the directory, for people who joined with an invitation or as a host (series rooms). */
  organisation?: string;
  country?: string;
  role?: string;
  host?: boolean;
  /** A host muted this person and keeps the microphone off (docs/signalling.md "Host controls"). */
  audioLocked?: boolean;
  /** This person shares a screen now (docs/signalling.md "Screen sharing"). */
  screen?: boolean;
}

/** The running agenda item of the room (docs/signalling.md, `agenda`). */
export interface AgendaState {
  title: string;
  presenter: string;
  minutes: number;
  /** Elapsed when the message was built, by the server's clock. */
  elapsedMs: number;
  /** Participant ids who present this item (and get the overrun warning). */
  presenterIds: string[];
}

/** In-room roles a host can give (docs/signalling.md `set-role`). */
export type RoomRole = 'observer' | 'speaker' | 'co-host';

/** Someone waiting in a series room's lobby (sent to hosts only). */
export interface LobbyEntry {
  id: string;
  name: string;
  /** An invitee a host removed earlier, asking to come back. */
  removed?: boolean;
}

export interface JoinReply {
  participantId: string;
  room: string;
  participants: Participant[];
  /** TURN servers with short-lived credentials (empty when the server has none configured). */
  iceServers?: RTCIceServer[];
  /** Oneself as the others see it (name and label from the directory when invited). */
  self?: Participant;
  /** Raised hands, first raised first (participant ids). */
  hands?: string[];
  /** Hosts only: who waits in the lobby. */
  waiting?: LobbyEntry[];
  /** Low-bandwidth choice in force (the room's default for a newcomer). */
  receive?: ReceiveState;
  /** True when this join waits in the lobby; `lobby-admitted` brings the real reply. */
  lobby?: boolean;
  /** One-time token for `resume` after losing the socket (absent when the server keeps no grace). */
  resumeToken?: string;
  /** How long the server keeps the session after losing the socket. */
  resumeGraceMs?: number;
  /** True in the reply to `resume`: the same participant, its state as the server has it now. */
  resumed?: boolean;
}

/** What identifies a person beyond their typed name (docs/signalling.md, `join`). */
export interface JoinAccess {
  invite?: string;
  hostToken?: string;
  /** The series room's passcode, for people without an invitation. */
  passcode?: string;
}

export type LeftReason = 'left' | 'disconnected' | 'timeout' | 'removed';

/** Low-bandwidth choices (docs/signalling.md, `receive`): what the server sends this page. */
export type ReceiveMode = 'all' | 'audio-only' | 'active-speaker';
export const kReceiveModes: readonly ReceiveMode[] = ['all', 'audio-only', 'active-speaker'];

export interface ReceiveState {
  /** What the server sends now: the own choice, else the room's default. */
  mode: ReceiveMode;
  /** The own choice, or null when following the room's default. */
  choice: ReceiveMode | null;
  /** The room's default, set by a host. */
  roomDefault: ReceiveMode;
  /** "No incoming screen video" is a separate choice: in force, own (null: the room's), room's. */
  screen?: ScreenChoice;
  screenChoice?: ScreenChoice | null;
  roomScreen?: ScreenChoice;
}

/** Whether the server sends us other people's shared screens. */
export type ScreenChoice = 'show' | 'hide';

export interface SignallingListener {
  onOffer(offerId: number, sdp: string): void;
  onParticipantJoined(participant: Participant): void;
  onParticipantUpdated(participant: Participant): void;
  onParticipantLeft(id: string, reason: LeftReason): void;
  /** Several joins and leaves told together (a room filling up): apply them all, announce once. */
  onRoster(joined: Participant[], left: { id: string; reason: LeftReason }[]): void;
  /** Hosts: the lobby's waiting list changed. */
  onLobby?(waiting: LobbyEntry[]): void;
  /** A host let us in from the lobby: the data a join reply would have had. */
  onLobbyAdmitted?(reply: JoinReply): void;
  /** A host turned us away (or the room was full); the socket closes next. */
  onLobbyDenied?(reason: string): void;
  /** The raised-hand queue changed; loweredBy is the host who gave someone the floor. */
  onHands?(queue: string[], loweredBy: string | null): void;
  /** A host muted our microphone; `locked`: we may not unmute until they allow it. */
  onMutedByHost?(locked: boolean): void;
  /** A host lifted the lock on our microphone (we stay muted until we unmute). */
  onUnmuteAllowed?(): void;
  /** A host removed us from the room; the socket closes next (4004). */
  onRemoved?(): void;
  /** The running agenda item changed (or null: none). */
  onAgenda?(agenda: AgendaState | null): void;
  /** A host changed the room's low-bandwidth default (and with it, perhaps, what we receive). */
  onReceive?(state: ReceiveState): void;
  /** A host stopped our screen sharing: stop capturing. */
  onShareStopped?(byName: string): void;
  /** The socket closed without close() being called on this side. */
  onClose(code: number, reason: string): void;
}

/** An error reply from the server, or a local failure ('closed', 'timeout', 'unreachable'). */
export class SignallingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'SignallingError';
  }
}

interface Pending {
  resolve(data: unknown): void;
  reject(error: SignallingError): void;
  timer: ReturnType<typeof setTimeout>;
}

const kProtocolVersion = 1;
/** Close code for a socket we give up on while resuming the session on a new one. */
export const kCloseResuming = 4000;
const kRequestTimeoutMs = 10_000;
const kConnectTimeoutMs = 10_000;

export class SignallingClient {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closedByUs = false;

  private constructor(
    private readonly socket: WebSocket,
    private readonly listener: SignallingListener,
  ) {
    socket.addEventListener('message', (event) => this.onMessage(event));
    socket.addEventListener('close', (event) => this.onSocketClose(event));
  }

  /** Opens the socket; rejects with code 'unreachable' when it cannot be opened in time. */
  static connect(url: string, listener: SignallingListener): Promise<SignallingClient> {
    return new Promise((resolve, reject) => {
      let socket: WebSocket;
      try {
        socket = new WebSocket(url);
      } catch (error) {
        reject(new SignallingError('unreachable', String(error)));
        return;
      }
      const fail = (why: string) => {
        clearTimeout(timer);
        socket.removeEventListener('open', onOpen);
        socket.removeEventListener('close', onEarlyClose);
        try {
          socket.close();
        } catch {
          // Closing a socket that never opened can throw in some browsers; nothing to undo.
        }
        reject(new SignallingError('unreachable', why));
      };
      const onOpen = () => {
        clearTimeout(timer);
        socket.removeEventListener('close', onEarlyClose);
        resolve(new SignallingClient(socket, listener));
      };
      const onEarlyClose = (event: CloseEvent) => fail(`closed before open (code ${event.code})`);
      const timer = setTimeout(() => fail('timed out'), kConnectTimeoutMs);
      socket.addEventListener('open', onOpen, { once: true });
      socket.addEventListener('close', onEarlyClose, { once: true });
    });
  }

  join(room: string, name: string, audio: boolean, video: boolean, access: JoinAccess = {}): Promise<JoinReply> {
    const fields: Record<string, unknown> = { room, name, audio, video };
    if (access.invite) fields.invite = access.invite;
    if (access.hostToken) fields.hostToken = access.hostToken;
    if (access.passcode) fields.passcode = access.passcode;
    return this.request('join', fields) as Promise<JoinReply>;
  }

  /** Takes over our session after the socket was lost; rejects with 'resume_failed' when it is gone. */
  resume(room: string, token: string): Promise<JoinReply> {
    return this.request('resume', { room, token }) as Promise<JoinReply>;
  }

  /** Hosts: let someone in from the lobby, or turn them away. */
  decide(lobbyId: string, admit: boolean): Promise<unknown> {
    return this.request(admit ? 'admit' : 'deny', { lobbyId });
  }

  /** Raise or lower one's own hand; a host may lower someone else's. */
  hand(raised: boolean, participantId?: string): Promise<unknown> {
    return this.request('hand', participantId ? { raised, participantId } : { raised });
  }

  /** Hosts: mute someone (locked: they cannot unmute until allowed). */
  mute(participantId: string, locked: boolean): Promise<unknown> {
    return this.request('mute', { participantId, locked });
  }

  /** Hosts: lift a mute lock. */
  allowUnmute(participantId: string): Promise<unknown> {
    return this.request('allow-unmute', { participantId });
  }

  /** Hosts: remove someone from the room. */
  remove(participantId: string): Promise<unknown> {
    return this.request('remove', { participantId });
  }

  /** Hosts: observer, speaker or co-host. */
  setRole(participantId: string, role: RoomRole): Promise<unknown> {
    return this.request('set-role', { participantId, role });
  }

  /** Hosts: who presents the running agenda item ("" = by the item's presenter name). */
  setPresenter(participantId: string): Promise<unknown> {
    return this.request('set-presenter', { participantId });
  }

  /**
   * Chooses what this page receives ('room-default': follow the room); a host with roomDefault
   * sets the room's default instead. Resolves with the state in force.
   */
  receive(mode: ReceiveMode | 'room-default', roomDefault = false): Promise<ReceiveState> {
    return this.request('receive', roomDefault ? { mode, roomDefault } : { mode }) as Promise<ReceiveState>;
  }

  /** "No incoming screen video" ('hide'), screens again ('show'), or follow the room's default. */
  receiveScreens(screen: ScreenChoice | 'room-default', roomDefault = false): Promise<ReceiveState> {
    return this.request('receive', roomDefault ? { screen, roomDefault } : { screen }) as Promise<ReceiveState>;
  }

  /** Starts or stops sharing a screen; the server then renegotiates (docs/signalling.md). */
  share(active: boolean): Promise<unknown> {
    return this.request('share', { active });
  }

  /** Hosts: end someone else's screen sharing. */
  stopShare(participantId: string): Promise<unknown> {
    return this.request('stop-share', { participantId });
  }

  answer(offerId: number, sdp: string): Promise<unknown> {
    return this.request('answer', { offerId, sdp });
  }

  update(fields: { audioMuted?: boolean; videoMuted?: boolean }): Promise<unknown> {
    return this.request('update', fields);
  }

  /** How large a participant's tile is on screen, in device pixels (simulcast layer selection). */
  tile(participantId: string, width: number, height: number): Promise<unknown> {
    return this.request('tile', { participantId, width, height });
  }

  leave(): Promise<unknown> {
    return this.request('leave', {});
  }

  /** Asks for new ICE credentials; a new offer follows (docs/signalling.md). */
  restartIce(): Promise<unknown> {
    return this.request('restart-ice', {});
  }

  ping(): Promise<unknown> {
    return this.request('ping', {});
  }

  /**
   * Closes the socket. 1000 (the default) tells the server we are done with the session;
   * kCloseResuming keeps it for a resume on a new socket (docs/signalling.md "Close codes").
   */
  close(code = 1000): void {
    this.closedByUs = true;
    this.failPending('closed', 'connection closed');
    if (this.socket.readyState === WebSocket.OPEN || this.socket.readyState === WebSocket.CONNECTING) {
      this.socket.close(code);
    }
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  private request(type: string, fields: Record<string, unknown>): Promise<unknown> {
    if (!this.isOpen) {
      return Promise.reject(new SignallingError('closed', 'connection is not open'));
    }
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new SignallingError('timeout', `no reply to ${type}`));
      }, kRequestTimeoutMs);
      this.pending.set(id, { resolve, reject, timer });
      this.socket.send(JSON.stringify({ v: kProtocolVersion, id, type, ...fields }));
    });
  }

  private onMessage(event: MessageEvent): void {
    if (typeof event.data !== 'string') return;
    let message: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(event.data);
      if (typeof parsed !== 'object' || parsed === null) return;
      message = parsed as Record<string, unknown>;
    } catch {
      console.warn('rounds: ignoring a signalling message that is not JSON');
      return;
    }
    if (message.type === 'reply') {
      this.onReply(message);
      return;
    }
    switch (message.type) {
      case 'offer':
        if (typeof message.offerId === 'number' && typeof message.sdp === 'string') {
          this.listener.onOffer(message.offerId, message.sdp);
        }
        break;
      case 'participant-joined': {
        const participant = toParticipant(message.participant);
        if (participant) this.listener.onParticipantJoined(participant);
        break;
      }
      case 'participant-updated': {
        const participant = toParticipant(message.participant);
        if (participant) this.listener.onParticipantUpdated(participant);
        break;
      }
      case 'lobby':
        if (Array.isArray(message.waiting)) this.listener.onLobby?.(toLobby(message.waiting));
        break;
      case 'lobby-admitted':
        this.listener.onLobbyAdmitted?.(message as unknown as JoinReply);
        break;
      case 'lobby-denied':
        this.listener.onLobbyDenied?.(typeof message.reason === 'string' ? message.reason : 'denied');
        break;
      case 'hands':
        if (Array.isArray(message.queue)) {
          this.listener.onHands?.(
            message.queue.filter((id): id is string => typeof id === 'string'),
            typeof message.loweredBy === 'string' ? message.loweredBy : null,
          );
        }
        break;
      case 'muted-by-host':
        this.listener.onMutedByHost?.(message.locked === true);
        break;
      case 'unmute-allowed':
        this.listener.onUnmuteAllowed?.();
        break;
      case 'removed':
        this.listener.onRemoved?.();
        break;
      case 'share-stopped':
        this.listener.onShareStopped?.(typeof message.byName === 'string' ? message.byName : '');
        break;
      case 'agenda':
        this.listener.onAgenda?.(toAgenda(message.agenda));
        break;
      case 'receive':
        if (typeof message.mode === 'string') this.listener.onReceive?.(message as unknown as ReceiveState);
        break;
      case 'roster': {
        const joined = Array.isArray(message.joined)
          ? message.joined.map(toParticipant).filter((p): p is Participant => p !== null)
          : [];
        const left = Array.isArray(message.left)
          ? message.left
              .filter((l): l is Record<string, unknown> => typeof l === 'object' && l !== null && typeof l.id === 'string')
              .map((l) => ({ id: l.id as string, reason: (l.reason as LeftReason) ?? 'left' }))
          : [];
        this.listener.onRoster(joined, left);
        break;
      }
      case 'participant-left':
        if (typeof message.id === 'string') {
          this.listener.onParticipantLeft(message.id, (message.reason as LeftReason) ?? 'left');
        }
        break;
      default:
        console.warn('rounds: ignoring unknown notification', message.type);
    }
  }

  private onReply(message: Record<string, unknown>): void {
    const id = message.id;
    if (typeof id !== 'number') {
      console.warn('rounds: server could not read a request', message.error);
      return;
    }
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    if (message.ok === true) {
      pending.resolve(message.data ?? {});
    } else {
      const error = (message.error ?? {}) as { code?: unknown; message?: unknown };
      pending.reject(
        new SignallingError(
          typeof error.code === 'string' ? error.code : 'internal',
          typeof error.message === 'string' ? error.message : 'request failed',
        ),
      );
    }
  }

  private onSocketClose(event: CloseEvent): void {
    this.failPending('closed', `connection closed (code ${event.code})`);
    if (!this.closedByUs) this.listener.onClose(event.code, event.reason);
  }

  private failPending(code: string, why: string): void {
    for (const pending of this.pending.values()) {
      clearTimeout(pending.timer);
      pending.reject(new SignallingError(code, why));
    }
    this.pending.clear();
  }
}

export function toParticipant(value: unknown): Participant | null {
  if (typeof value !== 'object' || value === null) return null;
  const p = value as Record<string, unknown>;
  if (typeof p.id !== 'string' || typeof p.name !== 'string') return null;
  const out: Participant = { id: p.id, name: p.name, audioMuted: p.audioMuted === true, videoMuted: p.videoMuted === true };
  if (typeof p.organisation === 'string') out.organisation = p.organisation;
  if (typeof p.country === 'string') out.country = p.country;
  if (typeof p.role === 'string') out.role = p.role;
  if (p.host === true) out.host = true;
  if (p.audioLocked === true) out.audioLocked = true;
  if (p.screen === true) out.screen = true;
  return out;
}

export function toAgenda(value: unknown): AgendaState | null {
  if (typeof value !== 'object' || value === null) return null;
  const a = value as Record<string, unknown>;
  const item = a.item as Record<string, unknown> | null | undefined;
  if (typeof item !== 'object' || item === null || typeof item.title !== 'string') return null;
  return {
    title: item.title,
    presenter: typeof item.presenter === 'string' ? item.presenter : '',
    minutes: typeof item.minutes === 'number' ? item.minutes : 0,
    elapsedMs: typeof a.elapsedMs === 'number' ? a.elapsedMs : 0,
    presenterIds: Array.isArray(a.presenterIds) ? a.presenterIds.filter((id): id is string => typeof id === 'string') : [],
  };
}

export function toLobby(values: unknown[]): LobbyEntry[] {
  const out: LobbyEntry[] = [];
  for (const value of values) {
    if (typeof value !== 'object' || value === null) continue;
    const e = value as Record<string, unknown>;
    if (typeof e.id === 'string' && typeof e.name === 'string') {
      out.push(e.removed === true ? { id: e.id, name: e.name, removed: true } : { id: e.id, name: e.name });
    }
  }
  return out;
}
