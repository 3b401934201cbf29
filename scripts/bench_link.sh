#!/bin/bash
# One rounds-load run over a delayed, lossy link (rounds-netem), all inside a
# private network namespace: server on 10.77.0.1, rounds-load in a namespace of its own on
# 10.77.0.2, as a browser across a border would reach it (docs/performance.md, "Round trips").
# Prints the video loss after repair, duplicates and loss-recovery totals; the JSON goes to
# /tmp/rttab/<label>.json. Server environment variables (e.g. ROUNDS_NACK_IN_FLIGHT=0) follow.
# LOAD_ARGS=... among them is added to rounds-load's command line.
# Usage: bench_link.sh <build dir> <impairment, rounds-netem control text> <label> [VAR=value...]
# e.g. scripts/bench_link.sh build/release "both loss=2 delay=40" on
set -euo pipefail
build=$1; impairment=$2; label=$3; shift 3
out=/tmp/rttab; mkdir -p $out
unshare -n env "$@" bash -s "$build" "$impairment" "$label" <<'INNER'
set -euo pipefail
build=$1; impairment=$2; label=$3
out=/tmp/rttab
ip link set lo up
ns=rttab-$$
ip netns add $ns
tmp=$(mktemp -d)
echo "$impairment" > $tmp/ctl
cleanup() { kill $netem_pid $server_pid 2>/dev/null || true; wait 2>/dev/null || true; ip netns del $ns 2>/dev/null || true; rm -rf $tmp; }
trap cleanup EXIT
$build/rounds-netem --b-netns $ns --a-address 10.77.0.1/24 --b-address 10.77.0.2/24 --control $tmp/ctl --duration 120 > $tmp/netem.out 2>&1 &
netem_pid=$!
for i in $(seq 50); do grep -q 'ready ' $tmp/netem.out && break; sleep 0.1; done
token=$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')
$build/rounds --http-address 0.0.0.0 --http-port 8090 --media-address 0.0.0.0 --media-port 40400 --announced-address 10.77.0.1 --db $tmp/r.db --web-root $tmp --log-level warn --bootstrap-token $token > $tmp/server.out 2> $tmp/server.err &
server_pid=$!
for i in $(seq 100); do grep -q '^media: ' $tmp/server.out && break; sleep 0.1; done
# /api/stats as a host (the first account, made with the bootstrap token), 15 s into the run
# (round trips per participant) and 23 s into it (the workers' counters, which go with the room
# when the participants leave).
stats() {
  python3 - "$token" "$1" <<'PY'
import json, sys, urllib.request
token, out = sys.argv[1], sys.argv[2]
base = 'http://127.0.0.1:8090/api/'
def call(path, body=None, headers={}):
    req = urllib.request.Request(base + path, data=json.dumps(body).encode() if body else None,
                                 headers={'content-type': 'application/json', **headers})
    return json.load(urllib.request.urlopen(req))
who = {'email': 'bench@rounds.test', 'password': token}
try:
    call('accounts', {**who, 'displayName': 'bench', 'country': 'CH', 'discipline': 'operations',
                      'language': 'en', 'timeZone': 'Europe/Zurich'}, {'x-rounds-bootstrap': token})
except Exception:
    pass  # made by the first call
session = call('sessions', who)['token']
json.dump(call('stats', headers={'authorization': 'Bearer ' + session}), open(out, 'w'))
PY
}
(sleep 15 && stats $tmp/mid.json && sleep 8 && stats $tmp/end.json) &
mid_pid=$!
ip netns exec $ns $build/rounds-load --url http://10.77.0.1:8090/ --local-address 10.77.0.2 --room ab --participants 8 --publishers 2 --duration 25 ${LOAD_ARGS:-} --quiet --json-out $out/$label.json --server-pid $server_pid
wait $mid_pid
python3 - "$out/$label.json" $tmp/mid.json $tmp/end.json <<'PY'
import json,sys
r=json.load(open(sys.argv[1])); t=r['totals']
mid=json.load(open(sys.argv[2])); end=json.load(open(sys.argv[3]))
v={'lost':0,'expected':0,'dups':0}
for p in r['participantReports']:
    for s in p['streams']:
        if s['kind']=='video': v['lost']+=s['lost']; v['expected']+=s['expected']; v['dups']+=s['duplicates']
rtts=sorted(l['rttMs'] for w in mid['workers'] for l in w['peerLinks'] if l['rttMs'] is not None)
keys=['nacksReceived','retransmissionsSent','nackedInFlight','nackedRecentlyResent','retransmissionMisses','nacksSent','rtxReceived','rttSamples']
server={k: sum(w[k] for w in end['workers']) for k in keys}
print(sys.argv[1], 'video lost', v['lost'], 'of', v['expected'], 'dups', v['dups'])
print('  generator', json.dumps(t.get('lossRecovery')))
print('  server', json.dumps(server), 'rtt ms (15 s in)', rtts)
PY
INNER
