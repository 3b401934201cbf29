#!/usr/bin/env bash
# Loss recovery end to end with the load generator (docs/load.md, "Loss recovery"): `rounds` and
# rounds-load in a private network namespace whose loopback drops 3 % of UDP datagrams at random
# (an nftables rule; this kernel has no netem), two publishers and two viewers for 6 s, twice:
# - as browsers do (the default): receivers NACK the video they miss, the server answers with
#   RTX and NACKs the publishers for what it missed, the publishers resend. Video must come
#   through (almost) whole, while audio, which nobody repairs, shows the loss was there.
# - with --no-nack: the same loss must show in the video too (so the first run's check can fail).
# Usage: load_loss_recovery.sh <rounds binary> <rounds-load binary>
set -euo pipefail
rounds=$(realpath "$1")
load=$(realpath "$2")
if [ -z "${ROUNDS_LOSS_NETNS:-}" ]; then
  exec unshare -n env ROUNDS_LOSS_NETNS=1 bash "$0" "$rounds" "$load"
fi
ip link set lo up
nft add table inet lossy
nft add chain inet lossy out '{ type filter hook output priority 0 ; }'
nft add rule inet lossy out meta l4proto udp numgen random mod 100 '<' 3 counter drop

. "$(dirname "$0")/rounds_server.sh"
start_rounds "$rounds"

"$load" --url "$url" --room repaired --participants 4 --publishers 2 --duration 6 \
  --json-out "$dir/repaired.json"
"$load" --url "$url" --room unrepaired --participants 4 --publishers 2 --duration 6 --no-nack \
  --json-out "$dir/unrepaired.json"
nft list ruleset | grep counter

node - "$dir/repaired.json" "$dir/unrepaired.json" <<'JS'
const fs = require('fs');
const [repaired, unrepaired] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const fail = (m) => { console.error('FAIL: ' + m); process.exit(1); };
// Loss per kind over every received stream.
const byKind = (r) => {
  const k = { audio: { lost: 0, expected: 0 }, video: { lost: 0, expected: 0 } };
  for (const p of r.participantReports) {
    if (p.errors.length) fail(`participant ${p.index}: ${p.errors.join('; ')}`);
    for (const s of p.streams) { k[s.kind].lost += s.lost; k[s.kind].expected += s.expected; }
  }
  for (const v of Object.values(k)) v.percent = (100 * v.lost) / Math.max(1, v.expected);
  return k;
};
const a = byKind(repaired), b = byKind(unrepaired);
const lr = repaired.totals.lossRecovery;
console.log('with NACK:', JSON.stringify(a), JSON.stringify(lr));
console.log('without :', JSON.stringify(b), JSON.stringify(unrepaired.totals.lossRecovery));
for (const r of [repaired, unrepaired])
  if (r.totals.participantsConnected !== 4) fail('not every participant connected');
if (a.audio.percent < 1) fail(`audio lost only ${a.audio.percent} %: was the loss rule in place?`);
if (b.video.percent < 1) fail(`without NACKs video lost only ${b.video.percent} %`);
if (!(lr.nacksSent > 0 && lr.rtxReceived > 0 && lr.recovered > 0))
  fail('receivers did not NACK, or no retransmission came back on RTX');
if (!(lr.nackedToPublishers > 0 && lr.retransmissionsSent > 0))
  fail('the server never NACKed a publisher, or the publishers never resent');
if (lr.retransmissionMisses > lr.nackedToPublishers / 10)
  fail(`publishers could not resend ${lr.retransmissionMisses} of ${lr.nackedToPublishers}`);
// Every NACKed packet may be lost again (3 %) and is asked for up to 8 times: what stays lost
// is a rounding error next to the 3 % without repair.
if (a.video.percent > 0.2) {
  // What the books say of each stream that lost video, to tell a gap never asked for from one
  // given up on.
  for (const p of repaired.participantReports)
    for (const s of p.streams.filter((s) => s.kind === 'video' && s.lost > 0))
      console.error(`participant ${p.index} video from #${s.fromIndex}: lost ${s.lost}, RTP gaps ` +
        `${s.rtpSeqLost}, late ${s.reordered}, unrecognised ${p.unrecognisedRtp}, SRTP errors ` +
        `${p.srtpErrors}, ${JSON.stringify(p.lossRecovery)}`);
  fail(`video lost ${a.video.percent} % with NACKs`);
}
const u = unrepaired.totals.lossRecovery;
if (u.nacksSent !== 0 || u.rtxReceived !== 0 || u.retransmissionsSent !== 0)
  fail('--no-nack still NACKed or resent');
console.log('load_loss_recovery: ok');
JS
