// English strings: every text a person sees or hears (including aria-labels) lives here, so that a
// translation (zh.ts) is one more file. Placeholders are written {name} and filled by t().

export const en = {
  appName: 'Rounds',
  documentTitle: '{room} · Rounds',

  // Join screen
  joinHeading: 'Join a room',
  roomLabel: 'Room',
  roomHint: 'Letters, digits, - and _ (up to 64).',
  roomInvalid: 'Enter a room name of 1–64 letters, digits, - or _.',
  nameLabel: 'Your name',
  nameHint: 'Shown to the others in the room.',
  nameInvalid: 'Enter a name of 1–64 characters.',
  joinButton: 'Join',
  joinButtonLabel: 'Join room {room}',

  // Camera and microphone
  acquiringMedia: 'Asking for your camera and microphone…',
  mediaDeniedHeading: 'Camera or microphone blocked',
  mediaDenied:
    'The browser did not allow Rounds to use your camera and microphone. You can allow them in the ' +
    'address bar and try again, or join without them.',
  mediaMissingHeading: 'No camera or microphone found',
  mediaMissing: 'Rounds could not find a camera or microphone on this device. You can still join.',
  mediaInUseHeading: 'Camera or microphone busy',
  mediaInUse:
    'Another program is using your camera or microphone. Close it and try again, or join without them.',
  mediaInsecureHeading: 'Camera needs a secure address',
  mediaInsecure:
    'Browsers only share the camera and microphone with pages opened over https. Ask your IT team ' +
    'for the https address of this server, or join to watch only.',
  mediaOtherHeading: 'Camera or microphone unavailable',
  mediaOther: 'The camera or microphone could not be started ({detail}).',
  joinAudioOnly: 'Join with audio only',
  joinWatchOnly: 'Join to watch only',
  tryAgain: 'Try again',

  // Connecting and errors
  connecting: 'Connecting to room {room}…',
  unreachableHeading: 'Cannot reach the server',
  unreachable:
    'The Rounds server did not answer. Check your network connection, or ask your IT team whether ' +
    'the server is running.',
  roomFullHeading: 'This room is full',
  roomFull: 'Room {room} has reached its participant limit. Try again later or ask the host.',
  lostHeading: 'Connection lost',
  lost: 'The connection to the room was lost and could not be restored.',
  joinFailedHeading: 'Could not join',
  joinFailed: 'The server refused to join this room: {detail}',
  backToJoin: 'Change room or name',

  // Call screen
  roomHeading: 'Room {room}',
  participantCount: '{n} in the room',
  participantCountOne: 'Only you in the room',
  you: '{name} (you)',
  micOffBadge: 'Mic off',
  cameraOffBadge: 'Camera off',
  muteButton: 'Mute',
  muteButtonLabel: 'Mute microphone',
  cameraButton: 'Stop camera',
  cameraButtonLabel: 'Stop camera',
  leaveButton: 'Leave',
  leaveButtonLabel: 'Leave the room',
  noMicrophone: 'No microphone',
  noCamera: 'No camera',
  enableSound: 'Click to turn on sound',
  enableSoundLabel: 'Turn on sound from the other participants',
  reconnecting: 'Reconnecting… (attempt {n})',
  reconnectNow: 'Try again',
  reconnectNowLabel: 'Try to reconnect now',
  videoOf: 'Video of {name}',

  // Announcements for screen readers
  announceJoined: '{name} joined',
  announceLeft: '{name} left',
  announceInRoom: 'You joined room {room}',
  announceReconnecting: 'Connection lost. Reconnecting.',
  announceReconnected: 'Reconnected',
  announceMuted: 'Microphone muted',
  announceUnmuted: 'Microphone on',
  announceCameraOff: 'Camera off',
  announceCameraOn: 'Camera on',

  // After leaving
  leftHeading: 'You left',
  left: 'You left room {room}.',
  rejoin: 'Rejoin',
  rejoinLabel: 'Rejoin room {room}',

  // Invitee's schedule (join screen with ?invite=)
  scheduleHeading: 'Your schedule',
  scheduleLoading: 'Loading the dates of this series…',
  scheduleZone: 'Times shown in {zone}',
  scheduleDate: 'Date',
  scheduleTime: 'Time',
  scheduleStatus: 'Status',
  scheduleScheduled: 'Scheduled',
  scheduleCancelled: 'Cancelled',
  scheduleMoved: 'Moved',
  scheduleRevoked: 'This invitation was revoked or has expired. Ask the host for a new one.',
  scheduleUnavailable: 'The dates of this series could not be loaded.',

  // Series rooms: lobby, raised hands, labels
  lobbyWaitingHeading: 'Waiting for the host',
  lobbyWaiting: 'You are in the lobby of {room}: waiting for the host to let you in.',
  lobbyDeniedHeading: 'Not admitted',
  lobbyDenied: 'The host did not let you into {room}.',
  lobbyFull: 'The host let you in, but {room} is full. Try again later.',
  inviteInvalidHeading: 'Invitation not valid',
  inviteInvalid: 'This invitation link cannot be used: {detail} Ask the host for a new one.',
  hostInvalidHeading: 'Host sign-in not accepted',
  hostInvalid: 'Your host sign-in was not accepted: {detail}',
  announceAdmitted: 'The host let you in.',
  announceWaiting: '{name} is waiting in the lobby',
  announceHandRaised: '{name} raised their hand',
  announceFloor: 'The host gave you the floor',
  sidePanelLabel: 'Hands and lobby',
  handButton: 'Raise hand',
  lowerHandButton: 'Lower hand',
  handButtonLabel: 'Raise or lower your hand',
  handsHeading: 'Raised hands',
  handsEmpty: 'No hands raised.',
  giveFloor: 'Give the floor',
  giveFloorLabel: 'Give the floor to {name} (lowers their hand)',
  lobbyHeading: 'Lobby',
  lobbyEmpty: 'Nobody is waiting.',
  admit: 'Admit',
  admitLabel: 'Admit {name}',
  deny: 'Deny',
  denyLabel: 'Deny {name}',
  roleHost: 'host',
  roleCoHost: 'co-host',
  rolePresenter: 'presenter',
  roleInterpreter: 'interpreter',
  roleParticipant: 'participant',
  roleObserver: 'observer',

  // Low-bandwidth choices (what the server sends this page)
  receiveHeading: 'Bandwidth',
  receiveLabel: 'What you receive',
  receiveRoomLabel: 'Room default for everyone',
  receiveAll: 'Everything',
  receiveAudioOnly: 'Audio only (no incoming video)',
  receiveActiveSpeaker: "Only the active speaker's video",
  receiveFollowRoom: 'Room default ({mode})',
  announceReceive: 'You now receive: {mode}',
} as const;

export type StringKey = keyof typeof en;
export type Catalogue = { readonly [K in StringKey]: string };
