#!/usr/bin/env bash
# Throughput of the emulator for `GET /o/{org}/projects` on loopback, measured
# with wrk (Debian package `wrk`) against the release binary.
#
#   crates/versori-emulator/bench/throughput.sh [SECONDS] [CONNECTIONS] [PROJECTS]
#
# Prints wrk's report and one summary line: requests per second.
set -euo pipefail
cd "$(dirname "$0")/../../.."
seconds=${1:-10}
connections=${2:-32}
projects=${3:-20}
org=01J8ZQ4N7G3Y5B2K9T6W1X00RG

command -v wrk >/dev/null || { echo "wrk is not installed (apt-get install wrk)" >&2; exit 1; }
cargo build -q --release -p versori-emulator
log=$(mktemp)
target/release/versori-emulator --port 0 >"$log" 2>/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true; rm -f "$log"' EXIT
for _ in $(seq 50); do grep -q listening "$log" && break; sleep 0.1; done
base=$(sed -n 's/^listening on //p' "$log")
[ -n "$base" ] || { echo "the emulator did not start" >&2; exit 1; }

for i in $(seq "$projects"); do
  curl -fsS -o /dev/null -H 'Authorization: Bearer bench' -H 'Content-Type: application/json' \
    -d "{\"name\": \"project $i\"}" "$base/o/$org/projects"
done

echo "GET $base/o/$org/projects ($projects projects), ${seconds}s, $connections connections, 2 threads"
wrk -t2 -c"$connections" -d"${seconds}s" -H 'Authorization: Bearer bench' "$base/o/$org/projects" | tee "$log.wrk"
rps=$(awk '/Requests\/sec/ {print $2}' "$log.wrk")
rm -f "$log.wrk"
echo "emulator GET .../projects: $rps requests/s"
