#!/usr/bin/env bash
# Smoke run of the load generator (docs/load.md): starts `rounds` on free ports, runs rounds-load
# with 3 participants (2 publishing) for 4 s, and checks its JSON (and, first, that a run too
# large for the descriptor limit is refused up front): every subscribed stream got
# packets, none was lost on loopback, latency figures are present, every receiver sent
# transport feedback and the server's estimate for each came from it, and the server knows its
# round trip to each (also to a lone presenter, from the XR answer to its reference time); then the
# same with every leg on one shared socket (--address-pool); then viewers leaving and joining
# while the others watch (--churn-interval-ms); then two rooms at once on a server with two
# media workers, one room on each.
# Usage: load_smoke.sh <rounds binary> <rounds-load binary>
set -euo pipefail
rounds=$1
load=$2
. "$(dirname "$0")/rounds_server.sh"

bootstrap=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
start_rounds "$rounds" --bootstrap-token "$bootstrap"
echo "server $url (pid $server_pid), $(grep '^media: ' "$dir/server.out")"

# Above the old 500-participant cap the limit is the process's file descriptors (two per
# participant): with too few, rounds-load refuses the run up front (exit 2) instead of failing
# half way through the joins.
set +e
(ulimit -n 64 && "$load" --url "$url" --room smoke-fd --participants 600 --publishers 0 \
  --duration 1 --quiet) 2>"$dir/fd.err"
rc=$?
set -e
[ "$rc" = 2 ] && grep -q 'file descriptors' "$dir/fd.err" ||
  { echo "FAIL: 600 participants under ulimit -n 64: exit $rc, $(cat "$dir/fd.err")"; exit 1; }

# A host's session (the first account, made with the bootstrap token) to read /api/stats while
# the run is in its steady part.
node - "$url" "$bootstrap" >"$dir/session" <<'JS'
const [url, token] = process.argv.slice(2);
const who = { email: 'smoke@rounds.test', password: token };
(async () => {
  await fetch(`${url}api/accounts`, { method: 'POST',
    headers: { 'content-type': 'application/json', 'x-rounds-bootstrap': token },
    body: JSON.stringify({ ...who, displayName: 'smoke', country: 'CH', discipline: 'operations',
                           language: 'en', timeZone: 'Europe/Zurich' }) });
  const r = await fetch(`${url}api/sessions`, { method: 'POST',
    headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  process.stdout.write((await r.json()).token || '');
})();
JS
(sleep 3 && node -e "fetch(process.argv[1] + 'api/stats', { headers: { authorization: 'Bearer ' +
  process.argv[2] } }).then(r => r.text()).then(t => process.stdout.write(t))" "$url" \
  "$(cat "$dir/session")" >"$dir/stats.json") &
stats_pid=$!

"$load" --url "$url" --room smoke --participants 3 --publishers 2 --duration 4 \
  --json-out "$dir/load.json" --server-pid "$server_pid"
wait "$stats_pid"

node - "$dir/load.json" "$dir/stats.json" <<'JS'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const stats = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
const fail = (m) => { console.error('FAIL: ' + m); process.exit(1); };
if (r.totals.participantsConnected !== 3) fail('not every participant connected');
// 2 publishers each see the other's 2 tracks, the viewer sees all 4.
if (r.totals.streamsSubscribed !== 8) fail(`expected 8 subscribed streams, got ${r.totals.streamsSubscribed}`);
for (const p of r.participantReports) {
  if (p.errors.length) fail(`participant ${p.index}: ${p.errors.join('; ')}`);
  for (const s of p.streams) {
    if (!s.subscribed) fail(`participant ${p.index} got an unsubscribed ${s.kind} stream`);
    const what = `participant ${p.index} ${s.kind} from #${s.fromIndex}`;
    if (!(s.packets > 0)) fail(`${what}: no packets`);
    if (s.lost !== 0) fail(`${what}: ${s.lost} lost`);
    if (s.duplicates !== 0) fail(`${what}: ${s.duplicates} duplicates`);
    // Retransmissions come on an RTX stream for video (the publishers' answers accepted rtx, so
    // the server offers it to subscribers), as with browsers; nothing repairs audio.
    if (s.rtx !== (s.kind === 'video')) fail(`${what}: rtx ${s.rtx}`);
    const l = s.latencyMs;
    if (!l || !(l.p50 >= 0) || !(l.p99 >= l.p50) || !(l.max >= l.p99)) fail(`${what}: latency missing`);
    if (typeof s.jitterMs !== 'number') fail(`${what}: jitter missing`);
    if (s.kind === 'video' && !(s.keyFrames > 0)) fail(`${what}: no key frame`);
  }
  if (p.joinToFirstPacketMs === null) fail(`participant ${p.index}: no join-to-first-packet time`);
  // Rounds offers transport-cc: every receiver reports what it got, as a browser does.
  if (!(p.transportFeedbackSent > 0)) fail(`participant ${p.index}: sent no transport feedback`);
  if (p.srtpErrors !== 0) fail(`participant ${p.index}: ${p.srtpErrors} SRTP errors`);
}
if (!r.totals.latencyMs || !(r.totals.latencyMs.p99 > 0)) fail('total latency missing');
if (!r.server || !(r.server.samples >= 2) || !(r.server.rssKbMax > 0)) fail('server usage missing');
// Both ends count what the kernel dropped at a full receive queue; a 3-participant run drops none.
if (r.socketQueueDrops !== 0) fail(`generator socket drops: ${r.socketQueueDrops}`);
for (const w of stats.workers || []) {
  if (w.receiveQueueDrops !== 0) fail(`server worker ${w.worker} receive-queue drops: ${w.receiveQueueDrops}`);
}
// The server took that feedback: 3 s in, it had some from every participant and an estimate
// of each one's downlink from it (docs/architecture.md, "Congestion control").
const links = (stats.workers || []).flatMap((w) => w.peerLinks || []);
if (links.length !== 3) fail(`expected 3 peer links in /api/stats, got ${JSON.stringify(stats).slice(0, 200)}`);
for (const l of links) {
  if (!(l.transportFeedbacksReceived > 0)) fail(`server got no transport feedback from ${l.peer}`);
  if (!(l.downlinkEstimateBps > 0)) fail(`server has no downlink estimate for ${l.peer}`);
  // Each participant receives; the publishers' SRs reach it translated, and its report blocks
  // name them: the server knows its round trip (here loopback and two busy event loops).
  if (!(typeof l.rttMs === 'number' && l.rttMs >= 0 && l.rttMs < 1000)) fail(`no round trip for ${l.peer}: ${l.rttMs}`);
}
for (const p of r.participantReports) {
  if (!(p.rtcpReportsSent > 0)) fail(`participant ${p.index} sent no RTCP reports`);
  if (!(p.senderReportsReceived > 0)) fail(`participant ${p.index} got no sender reports`);
  // The offer asks for RRTRs about the video it sends (a=rtcp-fb rrtr); the server's DLRR
  // answers give each participant its own round trip (rounds-load's roundTripMs).
  if (!(typeof p.roundTripMs === 'number' && p.roundTripMs >= 0 && p.roundTripMs < 1000))
    fail(`participant ${p.index} has no round trip of its own: ${p.roundTripMs}`);
}
console.log(`load smoke: ok (round trips ${links.map((l) => l.rttMs).join(', ')} ms at the server, ` +
  `${r.participantReports.map((p) => p.roundTripMs).join(', ')} ms at the participants)`);
JS

# A lone presenter receives nothing, so there is no SR for it to report on: the server's round
# trip to it comes from the XR RRTR in the server's receiver reports, which rounds-load answers
# with a DLRR as browsers do (docs/architecture.md, "Round trips").
(sleep 3 && node -e "fetch(process.argv[1] + 'api/stats', { headers: { authorization: 'Bearer ' +
  process.argv[2] } }).then(r => r.text()).then(t => process.stdout.write(t))" "$url" \
  "$(cat "$dir/session")" >"$dir/lone.json") &
stats_pid=$!
"$load" --url "$url" --room smoke-lone --participants 1 --publishers 1 --duration 4 --quiet \
  --json-out "$dir/lone-load.json"
wait "$stats_pid"
node - "$dir/lone.json" "$dir/lone-load.json" <<'JS'
const stats = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const r = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
const fail = (m) => { console.error('FAIL (lone presenter): ' + m); process.exit(1); };
const id = r.participantReports[0].id;
const link = stats.workers.flatMap((w) => w.peerLinks).find((l) => l.peer === id);
if (!link) fail(`no peer link for ${id}`);
if (!(typeof link.rttMs === 'number' && link.rttMs >= 0 && link.rttMs < 1000)) fail(`no round trip: ${link.rttMs}`);
console.log(`load smoke (lone presenter): ok (round trip ${link.rttMs} ms)`);
JS

# The same load with every leg on one shared socket, each from an address of its own
# (--address-pool, as `make bench` runs it): the server must see three participants and every
# stream must arrive whole.
"$load" --url "$url" --room smoke-pool --participants 3 --publishers 2 --duration 4 \
  --address-pool 127.0.1.1 --json-out "$dir/pool.json" --quiet
node - "$dir/pool.json" <<'JS'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const fail = (m) => { console.error('FAIL (--address-pool): ' + m); process.exit(1); };
if (r.addressPool !== '127.0.1.1') fail(`the run did not use the pool: ${r.addressPool}`);
if (r.unclaimedDatagrams !== 0) fail(`${r.unclaimedDatagrams} datagrams for no leg`);
if (r.socketQueueDrops !== 0) fail(`shared socket drops: ${r.socketQueueDrops}`);
if (r.totals.participantsConnected !== 3) fail('not every participant connected');
if (r.totals.streamsSubscribed !== 8) fail(`expected 8 subscribed streams, got ${r.totals.streamsSubscribed}`);
for (const p of r.participantReports) {
  if (p.errors.length) fail(`participant ${p.index}: ${p.errors.join('; ')}`);
  for (const s of p.streams) {
    const what = `participant ${p.index} ${s.kind} from #${s.fromIndex}`;
    if (!(s.packets > 0)) fail(`${what}: no packets`);
    if (s.lost !== 0) fail(`${what}: ${s.lost} lost`);
    if (s.duplicates !== 0) fail(`${what}: ${s.duplicates} duplicates`);
  }
  if (!(p.transportFeedbackSent > 0)) fail(`participant ${p.index}: sent no transport feedback`);
}
console.log('load smoke (--address-pool): ok');
JS

# Churn (docs/load.md): 2 presenters and 4 viewers; once all are in, a viewer leaves every 500 ms
# (the longest present first) and a new one joins in its place. Every departure must be
# answered, every arrival must connect and receive every stream, nobody may lose anything, and
# the server must have let the departed go: 3 s in, with at least three of them gone, it holds
# the six present (seven while a leave and a join cross).
(sleep 3 && node -e "fetch(process.argv[1] + 'api/stats', { headers: { authorization: 'Bearer ' +
  process.argv[2] } }).then(r => r.text()).then(t => process.stdout.write(t))" "$url" \
  "$(cat "$dir/session")" >"$dir/churn-stats.json") &
stats_pid=$!
"$load" --url "$url" --room smoke-churn --participants 6 --publishers 2 --duration 5 \
  --churn-interval-ms 500 --address-pool 127.0.1.1 --json-out "$dir/churn.json" --quiet
wait "$stats_pid"
node - "$dir/churn.json" "$dir/churn-stats.json" <<'JS'
const r = JSON.parse(require('fs').readFileSync(process.argv[2], 'utf8'));
const stats = JSON.parse(require('fs').readFileSync(process.argv[3], 'utf8'));
const fail = (m) => { console.error('FAIL (churn): ' + m); process.exit(1); };
const c = r.churn;
if (!c) fail('no churn figures');
if (!(c.departures >= 5)) fail(`only ${c.departures} departures`);
if (c.departuresAnswered !== c.departures) fail(`${c.departuresAnswered} of ${c.departures} leaves answered`);
if (c.arrivals !== c.departures) fail(`${c.arrivals} arrivals for ${c.departures} departures`);
if (c.arrivalsConnected !== c.arrivals) fail(`${c.arrivalsConnected} of ${c.arrivals} arrivals connected`);
if (c.arrivalsReceivingEveryStream !== c.arrivals)
  fail(`${c.arrivalsReceivingEveryStream} of ${c.arrivals} arrivals received every stream`);
if (r.participantReports.length !== 6 + c.arrivals) fail(`${r.participantReports.length} participant reports`);
for (const p of r.participantReports) {
  if (p.errors.length) fail(`participant ${p.index}: ${p.errors.join('; ')}`);
  for (const s of p.streams) {
    const what = `participant ${p.index} ${s.kind} from #${s.fromIndex}`;
    if (s.lost !== 0) fail(`${what}: ${s.lost} lost`);
    if (s.duplicates !== 0) fail(`${what}: ${s.duplicates} duplicates`);
  }
}
// A viewer receives 4 streams; arrivals see both presenters from their first seconds.
const arrivals = r.participantReports.slice(6);
for (const p of arrivals) {
  if (p.streams.length !== 4) fail(`arrival ${p.index} has ${p.streams.length} streams`);
}
const gone = Math.floor((3 - c.firstDepartureS) / 0.5) + 1;
const links = (stats.workers || []).flatMap((w) => w.peerLinks || []);
if (gone >= 3 && !(links.length === 6 || links.length === 7))
  fail(`${links.length} peers at the server 3 s in, after about ${gone} departures`);
console.log(`load smoke (churn): ok (${c.departures} left, ${c.arrivals} joined, first packet ` +
  `p50 ${c.arrivalJoinToFirstPacketMs.p50} ms; ${links.length} peers at the server 3 s in)`);
JS

# Two media workers (--media-workers 2), as a hospital server with more than one core runs:
# two rooms at once, each placed on its own worker (the one with fewer participants) and
# reached on that worker's port; both must carry their room whole, and /api/stats must show
# each worker with its own room's three peers and forwarding.
kill "$server_pid"
wait "$server_pid" 2>/dev/null || true
server_pid=
start_rounds "$rounds" --media-workers 2
[ "$(grep -c '^media: udp' "$dir/server.out")" = 2 ] ||
  { echo "FAIL (two workers): $(cat "$dir/server.out")"; exit 1; }
(sleep 3 && node -e "fetch(process.argv[1] + 'api/stats', { headers: { authorization: 'Bearer ' +
  process.argv[2] } }).then(r => r.text()).then(t => process.stdout.write(t))" "$url" \
  "$(cat "$dir/session")" >"$dir/workers-stats.json") &
stats_pid=$!
"$load" --url "$url" --room ward-a --participants 3 --publishers 2 --duration 5 --quiet \
  --json-out "$dir/ward-a.json" &
ward_a=$!
"$load" --url "$url" --room ward-b --participants 3 --publishers 2 --duration 5 --quiet \
  --json-out "$dir/ward-b.json"
wait "$ward_a"
wait "$stats_pid"
node - "$dir/ward-a.json" "$dir/ward-b.json" "$dir/workers-stats.json" <<'JS'
const fs = require('fs');
const [a, b, stats] = process.argv.slice(2).map((f) => JSON.parse(fs.readFileSync(f, 'utf8')));
const fail = (m) => { console.error('FAIL (two workers): ' + m); process.exit(1); };
for (const [name, r] of [['ward-a', a], ['ward-b', b]]) {
  if (r.totals.participantsConnected !== 3) fail(`${name}: not every participant connected`);
  if (r.totals.streamsSubscribed !== 8) fail(`${name}: ${r.totals.streamsSubscribed} streams`);
  for (const p of r.participantReports) {
    if (p.errors.length) fail(`${name} participant ${p.index}: ${p.errors.join('; ')}`);
    for (const s of p.streams) {
      const what = `${name} participant ${p.index} ${s.kind} from #${s.fromIndex}`;
      if (!(s.packets > 0)) fail(`${what}: no packets`);
      if (s.lost !== 0) fail(`${what}: ${s.lost} lost`);
    }
  }
}
const workers = stats.workers || [];
if (workers.length !== 2) fail(`${workers.length} workers in /api/stats`);
for (const w of workers) {
  const links = w.peerLinks || [];
  if (links.length !== 3) fail(`worker ${w.worker} holds ${links.length} peers, not one room's 3`);
  if (!(w.rtpForwarded > 0)) fail(`worker ${w.worker} forwarded nothing`);
}
console.log(`load smoke (two workers): ok (ports ${workers.map((w) => w.port).join(', ')}, ` +
  `forwarded ${workers.map((w) => w.rtpForwarded).join(' / ')})`);
JS
