// Realistic SDP samples for the SDP tests (written by hand in the shape Chrome and Firefox use).
// Threading: constants only.
#pragma once

#include <string>
#include <string_view>

namespace rounds::sdp::fixtures {

// Chrome-style Unified Plan offer: opus audio, a camera (VP8/rtx + H264/rtx with SSRCs and an
// FID group) and a simulcast screen share (rids, no SSRCs). LF endings; see crlf().
inline constexpr std::string_view kChromeOffer = R"(v=0
o=- 4611731400430051336 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2
a=extmap-allow-mixed
a=msid-semantic: WMS 6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21
m=audio 54321 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 192.168.1.20
a=rtcp:9 IN IP4 0.0.0.0
a=candidate:1467250027 1 udp 2122260223 192.168.1.20 54321 typ host generation 0 network-id 1
a=candidate:435653019 1 tcp 1518280447 192.168.1.20 9 typ host tcptype active generation 0 network-id 1
a=candidate:2999745851 1 udp 1686052607 203.0.113.7 61234 typ srflx raddr 192.168.1.20 rport 54321 generation 0 network-id 1
a=ice-ufrag:Kx3q
a=ice-pwd:e0H5mZ3T7H0s1w4mR0cYb9Kq
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21 3f2a7c1e-58d4-4b0a-a9c2-7e1d2f3b4c5d
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:3735928559 cname:4TOk42mSjXCkVIa6
a=ssrc:3735928559 msid:6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21 3f2a7c1e-58d4-4b0a-a9c2-7e1d2f3b4c5d
m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Kx3q
a=ice-pwd:e0H5mZ3T7H0s1w4mR0cYb9Kq
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:1
a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:13 urn:3gpp:video-orientation
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendrecv
a=msid:6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21 9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:102 H264/90000
a=rtcp-fb:102 goog-remb
a=rtcp-fb:102 transport-cc
a=rtcp-fb:102 ccm fir
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=ssrc-group:FID 2231627014 632943048
a=ssrc:2231627014 cname:4TOk42mSjXCkVIa6
a=ssrc:2231627014 msid:6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21 9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f
a=ssrc:632943048 cname:4TOk42mSjXCkVIa6
a=ssrc:632943048 msid:6b4a2bd4-a2c3-4f5e-9b3c-0c5d4a1f9e21 9c8d7e6f-1a2b-4c3d-8e9f-0a1b2c3d4e5f
m=video 9 UDP/TLS/RTP/SAVPF 96 97
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:Kx3q
a=ice-pwd:e0H5mZ3T7H0s1w4mR0cYb9Kq
a=ice-options:trickle
a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08
a=setup:actpass
a=mid:2
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=sendonly
a=msid:7d1e2f3a-4b5c-4d6e-8f7a-1b2c3d4e5f6a 0e1f2a3b-4c5d-4e6f-9a0b-1c2d3e4f5a6b
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 goog-remb
a=rtcp-fb:96 transport-cc
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rid:q send
a=rid:h send
a=rid:f send
a=simulcast:send q;h;f
)";

// Chrome's answer to a Rounds offer (audio+video recvonly, then two sendonly m-lines).
inline constexpr std::string_view kChromeAnswer = R"(v=0
o=- 8270545716398386452 2 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1 2 3
a=extmap-allow-mixed
a=msid-semantic: WMS a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:9Hxd
a=ice-pwd:Wk3mV9pQ2rT8yL1cN6bF0aZs
a=ice-options:trickle
a=fingerprint:sha-256 1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E:1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E
a=setup:active
a=mid:0
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d 11111111-2222-4333-8444-555555555555
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=ssrc:1001 cname:q1w2e3r4t5y6u7i8
a=ssrc:1001 msid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d 11111111-2222-4333-8444-555555555555
m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:9Hxd
a=ice-pwd:Wk3mV9pQ2rT8yL1cN6bF0aZs
a=ice-options:trickle
a=fingerprint:sha-256 1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E:1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E
a=setup:active
a=mid:1
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d 66666666-7777-4888-9999-aaaaaaaaaaaa
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 ccm fir
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=rtpmap:102 H264/90000
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=rtcp-fb:102 ccm fir
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
a=rtpmap:103 rtx/90000
a=fmtp:103 apt=102
a=ssrc-group:FID 2002 2003
a=ssrc:2002 cname:q1w2e3r4t5y6u7i8
a=ssrc:2002 msid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d 66666666-7777-4888-9999-aaaaaaaaaaaa
a=ssrc:2003 cname:q1w2e3r4t5y6u7i8
a=ssrc:2003 msid:a1b2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d 66666666-7777-4888-9999-aaaaaaaaaaaa
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=ice-ufrag:9Hxd
a=ice-pwd:Wk3mV9pQ2rT8yL1cN6bF0aZs
a=ice-options:trickle
a=fingerprint:sha-256 1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E:1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E
a=setup:active
a=mid:2
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=recvonly
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;useinbandfec=1
m=video 9 UDP/TLS/RTP/SAVPF 96 102
c=IN IP4 0.0.0.0
a=ice-ufrag:9Hxd
a=ice-pwd:Wk3mV9pQ2rT8yL1cN6bF0aZs
a=ice-options:trickle
a=fingerprint:sha-256 1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E:1D:2C:3B:4A:59:68:77:86:95:A4:B3:C2:D1:E0:FF:0E
a=setup:active
a=mid:3
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=recvonly
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 ccm fir
a=rtpmap:102 H264/90000
a=rtcp-fb:102 nack
a=rtcp-fb:102 nack pli
a=rtcp-fb:102 ccm fir
a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
)";

// Firefox's answer to a Rounds offer: session-level fingerprint and ice-options, fmtp before
// rtpmap, brace-wrapped msid ids, SSRCs with an FID group, the camera refused (inactive).
inline constexpr std::string_view kFirefoxAnswer = R"(v=0
o=mozilla...THIS_IS_SDPARTA-128.0 5036469963720331473 0 IN IP4 0.0.0.0
s=-
t=0 0
a=fingerprint:sha-256 A0:B1:C2:D3:E4:F5:06:17:28:39:4A:5B:6C:7D:8E:9F:A0:B1:C2:D3:E4:F5:06:17:28:39:4A:5B:6C:7D:8E:9F
a=group:BUNDLE 0 1 2
a=ice-options:trickle
a=msid-semantic:WMS *
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=sendonly
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=fmtp:111 maxplaybackrate=48000;stereo=1;useinbandfec=1
a=ice-pwd:3f0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b
a=ice-ufrag:a1b2c3d4
a=mid:0
a=msid:{5e8f2c1a-7b3d-4e9f-a6c2-1d0b8e7f6a5c} {c3d2e1f0-a9b8-4c7d-8e6f-5a4b3c2d1e0f}
a=rtcp-mux
a=rtpmap:111 opus/48000/2
a=setup:active
a=ssrc:2655508255 cname:{8f1e2d3c-4b5a-4697-8877-665544332211}
m=video 9 UDP/TLS/RTP/SAVPF 96 97
c=IN IP4 0.0.0.0
a=inactive
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=fmtp:96 max-fs=12288;max-fr=60
a=fmtp:97 apt=96
a=ice-pwd:3f0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b
a=ice-ufrag:a1b2c3d4
a=mid:1
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 ccm fir
a=rtcp-fb:96 goog-remb
a=rtcp-mux
a=rtcp-rsize
a=rtpmap:96 VP8/90000
a=rtpmap:97 rtx/90000
a=setup:active
a=ssrc:1122334455 cname:{8f1e2d3c-4b5a-4697-8877-665544332211}
a=ssrc:5566778 cname:{8f1e2d3c-4b5a-4697-8877-665544332211}
a=ssrc-group:FID 1122334455 5566778
m=video 9 UDP/TLS/RTP/SAVPF 96
c=IN IP4 0.0.0.0
a=recvonly
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=fmtp:96 max-fs=12288;max-fr=60
a=ice-pwd:3f0e9a8b7c6d5e4f3a2b1c0d9e8f7a6b
a=ice-ufrag:a1b2c3d4
a=mid:2
a=rtcp-fb:96 nack
a=rtcp-fb:96 nack pli
a=rtcp-fb:96 ccm fir
a=rtcp-mux
a=rtpmap:96 VP8/90000
a=setup:active
)";

// The fixtures above use LF; browsers send CRLF. Both must parse.
inline std::string crlf(std::string_view lf) {
  std::string out;
  out.reserve(lf.size() + lf.size() / 32);
  for (char c : lf) {
    if (c == '\n') out.push_back('\r');
    out.push_back(c);
  }
  return out;
}

}  // namespace rounds::sdp::fixtures
