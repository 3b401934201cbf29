#!/usr/bin/env bash
# The invitation .ics imported by a real calendar program (issue 4: "imports cleanly into common
# calendar programs"): khal (Debian's `khal`, built on the python icalendar library) imports the
# personal .ics of a New York invitee to a weekly series a Shanghai host runs across the US change
# to daylight time, with one cancelled and one moved occurrence, and lists each occurrence at the
# right New York time. Usage: ics_import.sh <rounds binary>
set -euo pipefail
rounds=$1
here=$(cd "$(dirname "$0")" && pwd)
. "$here/rounds_server.sh"
command -v khal >/dev/null || { echo "khal is not installed (scripts/install-deps.sh --test)"; exit 1; }

token=$(head -c 18 /dev/urandom | base64 | tr '+/' '-_')
start_rounds "$rounds" --http-address 127.0.0.1 --media-address 127.0.0.1 --bootstrap-token "$token"

node "$here/ics_import.mjs" "${url%/}" "$token" "$dir/invite.ics"

# A khal of the invitee's own, living in New York.
mkdir -p "$dir/calendar" "$dir/xdg"
cat >"$dir/khal.conf" <<CONF
[calendars]
[[rounds]]
path = $dir/calendar
type = calendar
[locale]
local_timezone = America/New_York
default_timezone = America/New_York
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
[sqlite]
path = $dir/khal.db
CONF
export XDG_CONFIG_HOME="$dir/xdg" XDG_DATA_HOME="$dir/xdg" TZ=America/New_York
khal -c "$dir/khal.conf" import --batch -a rounds "$dir/invite.ics"
got=$(khal -c "$dir/khal.conf" list --format '{start} {end} {title}' --day-format '' 2027-03-01 40d |
      sed '/^$/d')
# 2 March 21:00 CST = 08:00 EST; 9 March cancelled; 16 March moved to 17 March 20:00 CST = 08:00
# EDT (the US changed on 14 March, China did not); 23 March 21:00 CST = 09:00 EDT.
want='2027-03-02 08:00 2027-03-02 09:00 Critically ill patients: weekly rounds
2027-03-17 08:00 2027-03-17 09:00 Critically ill patients: weekly rounds
2027-03-23 09:00 2027-03-23 10:00 Critically ill patients: weekly rounds'
if [ "$got" != "$want" ]; then
  echo "khal lists the invitation differently:"; echo "--- want"; echo "$want"; echo "--- got"; echo "$got"
  echo "--- invite.ics"; cat "$dir/invite.ics"
  exit 1
fi
echo "khal $(khal --version | sed 's/.*version //') imported the invitation: 3 occurrences at the right New York times"
