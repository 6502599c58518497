#!/usr/bin/env bash
# DNS throughput benchmark: Baton's embedded DNS server against Knot DNS and gdnsd serving the same zone, one
# after the other, each pinned to one core while dnsperf runs pinned to another. Prints queries per second and the
# server's CPU time (user+sys from /proc/<pid>/stat, all threads) per answered query, as a markdown table,
# then the medians over all runs.
#
# Installs nothing. Needs: dnsperf (Debian package dnsperf), knotd (package knot), gdnsd (package gdnsd, only
# when it is in SERVERS), taskset (util-linux),
# java 17+ and mvn (to build the agent's test classes offline).
#
# Environment (defaults in brackets):
#   RUNS [3]            rounds; each round measures every server once
#   DURATION [15]       seconds of measured load per server (dnsperf -l)
#   WARMUP [5]          seconds of unmeasured load first (JIT warm-up for the JVM)
#   CLIENTS [4]         dnsperf -c: client sockets
#   OUTSTANDING [200]   dnsperf -q: queries in flight
#   MAX_QPS [0]         dnsperf -Q: 0 means no limit
#   SERVER_CPU [0]      core the servers are pinned to
#   CLIENT_CPU [1]      core dnsperf is pinned to
#   UDP_THREADS [1]     UDP worker threads of each server (Knot udp-workers, gdnsd udp_threads, Baton
#                       udpThreadsPerSocket: threads on one socket for baton, sockets with SO_REUSEPORT for
#                       baton-native)
#   UDP_BATCH [16]      baton-native: at most this many datagrams per recvmmsg call (MSG_WAITFORONE: it takes
#                       what is queued, from 1 up), and so at most per sendmmsg call
#   SERVICES [10]       service names in the zone (s01 .. sNN, A 192.0.2.N)
#   BATON_PORT [15353], KNOT_PORT [15354], GDNSD_PORT [15355]   loopback ports
#   SERVERS ["baton baton-native knot gdnsd"] which servers to measure, in order; baton is Baton's server with
#                                           UDP on the JDK's DatagramChannel, baton-native on Baton's own JNI loop
#                                           (recvmmsg/sendmmsg, one thread per socket); a -timed suffix
#                                           records each answer's latency into the metrics' histogram, as the
#                                           agent does; -micrometer records it into a Micrometer Timer;
#                                           a final -shipped runs it with the agent's own JVM options
#                                           (agent/src/main/resources/dev/baton/agent/jvm.options) instead of
#                                           JAVA_OPTS, e.g. baton-native-shipped
#   JAVA_OPTS ["-Xms128m -Xmx128m"]         options of the JVM running Baton's server
#   MVN ["mvn -q -o"]                       Maven command used to build the classpath
set -euo pipefail

RUNS=${RUNS:-3}
DURATION=${DURATION:-15}
WARMUP=${WARMUP:-5}
CLIENTS=${CLIENTS:-4}
OUTSTANDING=${OUTSTANDING:-200}
MAX_QPS=${MAX_QPS:-0}
SERVER_CPU=${SERVER_CPU:-0}
CLIENT_CPU=${CLIENT_CPU:-1}
UDP_THREADS=${UDP_THREADS:-1}
UDP_BATCH=${UDP_BATCH:-16}
SERVICES=${SERVICES:-10}
BATON_PORT=${BATON_PORT:-15353}
KNOT_PORT=${KNOT_PORT:-15354}
GDNSD_PORT=${GDNSD_PORT:-15355}
SERVERS=${SERVERS:-"baton baton-native knot gdnsd"}
JAVA_OPTS=${JAVA_OPTS:-"-Xms128m -Xmx128m"}
MVN=${MVN:-"mvn -q -o"}
# The agent's own JVM options (bin/baton, the systemd unit), for the -shipped variants.
SHIPPED_JAVA_OPTS=$(sed -e 's/#.*//' -e '/^[[:space:]]*$/d' "$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/agent/src/main/resources/dev/baton/agent/jvm.options" | tr '\n' ' ')
ZONE=svc.bench # must match DnsBenchServer.ORIGIN
TTL=60         # must match DnsBenchServer.TTL_SECONDS

root="$(cd -P "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# ---- preflight: say what is missing and which package provides it ----
missing=()
command -v dnsperf >/dev/null || missing+=("dnsperf (apt-get install -y dnsperf)")
command -v knotd >/dev/null || [[ -x /usr/sbin/knotd ]] || missing+=("knotd (apt-get install -y knot)")
if [[ " $SERVERS " == *" gdnsd "* ]]; then
  command -v gdnsd >/dev/null || [[ -x /usr/sbin/gdnsd ]] || missing+=("gdnsd (apt-get install -y gdnsd)")
fi
command -v taskset >/dev/null || missing+=("taskset (apt-get install -y util-linux)")
command -v java >/dev/null || missing+=("java 17+ (apt-get install -y openjdk-17-jdk-headless)")
command -v mvn >/dev/null || missing+=("mvn (apt-get install -y maven)")
if ((${#missing[@]})); then
  echo "dns-throughput: missing tools:" >&2
  printf '  %s\n' "${missing[@]}" >&2
  exit 1
fi
KNOTD=$(command -v knotd || echo /usr/sbin/knotd)
GDNSD=$(command -v gdnsd || echo /usr/sbin/gdnsd)
for n in RUNS DURATION WARMUP CLIENTS OUTSTANDING MAX_QPS SERVER_CPU CLIENT_CPU UDP_THREADS UDP_BATCH SERVICES BATON_PORT KNOT_PORT GDNSD_PORT; do
  [[ "${!n}" =~ ^[0-9]+$ ]] || { echo "dns-throughput: $n must be a non-negative integer, got '${!n}'" >&2; exit 2; }
done
((SERVICES >= 1 && SERVICES <= 254)) || { echo "dns-throughput: SERVICES must be in [1, 254]" >&2; exit 2; }
cpus=$(nproc --all)
((SERVER_CPU < cpus && CLIENT_CPU < cpus)) || { echo "dns-throughput: needs cores $SERVER_CPU and $CLIENT_CPU; this machine has $cpus" >&2; exit 2; }
clk_tck=$(getconf CLK_TCK)

# ---- cleanup: stop only what this script started, by PID; remove the temp dir ----
tmp=$(mktemp -d -t dns-throughput.XXXXXX)
started_pids=()
cleanup() {
  local pid
  for pid in "${started_pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      kill "$pid" 2>/dev/null || true
      for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

stop_server() { # pid
  local pid=$1 kept=() p
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  for p in "${started_pids[@]}"; do [[ "$p" == "$pid" ]] || kept+=("$p"); done
  started_pids=("${kept[@]+"${kept[@]}"}")
}

# ---- the zone, the query file, Knot's and gdnsd's configuration ----
{
  echo "\$ORIGIN $ZONE."
  echo "\$TTL $TTL"
  # Same SOA as ZoneSettings.defaults: ns1 / hostmaster, serial 1, refresh 1h, retry 10m, expire 7d, minimum 60.
  echo "@ SOA ns1 hostmaster 1 3600 600 604800 60"
  echo "@ NS ns1"
  echo "ns1 A 127.0.0.1"
  for ((i = 1; i <= SERVICES; i++)); do printf 's%02d A 192.0.2.%d\n' "$i" "$i"; done
} >"$tmp/$ZONE.zone"
for ((i = 1; i <= SERVICES; i++)); do printf 's%02d.%s A\n' "$i" "$ZONE"; done >"$tmp/queries.txt"
mkdir -p "$tmp/knot"
cat >"$tmp/knot.conf" <<EOF
server:
    rundir: "$tmp/knot"
    listen: 127.0.0.1@$KNOT_PORT
    udp-workers: $UDP_THREADS
    tcp-workers: 1
    background-workers: 1
control:
    listen: "$tmp/knot/knot.sock"
database:
    storage: "$tmp/knot"
log:
  - target: stderr
    any: warning
zone:
  - domain: $ZONE
    storage: "$tmp"
    file: "$ZONE.zone"
    journal-content: none
    zonefile-sync: -1
EOF
mkdir -p "$tmp/gdnsd/zones" "$tmp/gdnsd/run" "$tmp/gdnsd/state"
cp "$tmp/$ZONE.zone" "$tmp/gdnsd/zones/$ZONE"
cat >"$tmp/gdnsd/config" <<EOF
options => {
  listen => [ 127.0.0.1 ]
  dns_port => $GDNSD_PORT
  udp_threads => $UDP_THREADS
  tcp_threads => 1
  run_dir => $tmp/gdnsd/run
  state_dir => $tmp/gdnsd/state
}
EOF

# ---- Baton's classpath (main + test classes of the agent and their dependencies) ----
echo "dns-throughput: building the agent's test classes ($MVN) ..." >&2
(cd "$root" && $MVN -pl agent -am test-compile dependency:build-classpath \
  -Dmdep.outputFile="$tmp/classpath.txt" -Dmdep.includeScope=test >&2)
classpath="$root/agent/target/classes:$root/agent/target/test-classes:$(cat "$tmp/classpath.txt")"

# ---- helpers ----
cpu_ticks() { # pid -> "utime stime" of the whole process, in clock ticks
  local stat rest
  stat=$(<"/proc/$1/stat")
  rest=${stat##*) } # the command name may contain spaces; fields after it start at field 3 (state)
  read -r -a f <<<"$rest"
  echo "${f[11]} ${f[12]}" # fields 14 (utime) and 15 (stime)
}

run_dnsperf() { # port seconds -> dnsperf output
  local args=(-s 127.0.0.1 -p "$1" -d "$tmp/queries.txt" -l "$2" -c "$CLIENTS" -q "$OUTSTANDING" -t 2)
  ((MAX_QPS > 0)) && args+=(-Q "$MAX_QPS")
  taskset -c "$CLIENT_CPU" dnsperf "${args[@]}" 2>&1
}

wait_until_answering() { # port pid name
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    kill -0 "$2" 2>/dev/null || { echo "dns-throughput: $3 exited early" >&2; return 1; }
    if taskset -c "$CLIENT_CPU" dnsperf -s 127.0.0.1 -p "$1" -d "$tmp/queries.txt" -n 1 -t 1 2>&1 |
      grep -Eq 'Queries completed: +[1-9]'; then
      return 0
    fi
    sleep 0.5
  done
  echo "dns-throughput: $3 did not answer within 60 s" >&2
  return 1
}

start_server() { # name -> sets server_pid and server_port
  local variant=$1 java_opts=$JAVA_OPTS
  if [[ "$variant" == baton*-shipped ]]; then # the JVM options the agent ships with, not JAVA_OPTS
    variant=${variant%-shipped}
    java_opts=$SHIPPED_JAVA_OPTS
  fi
  case "$variant" in
    baton | baton-timed | baton-micrometer | baton-native | baton-native-timed | baton-native-micrometer)
      # shellcheck disable=SC2086 # the options are a list
      taskset -c "$SERVER_CPU" java $java_opts -cp "$classpath" dev.baton.agent.dns.DnsBenchServer \
        "$BATON_PORT" "$SERVICES" "$UDP_THREADS" $((WARMUP + DURATION + 120)) "${variant#baton}" "$UDP_BATCH" >"$tmp/$1.log" 2>&1 &
      server_pid=$!
      server_port=$BATON_PORT
      ;;
    knot)
      taskset -c "$SERVER_CPU" "$KNOTD" -c "$tmp/knot.conf" >"$tmp/knot.log" 2>&1 &
      server_pid=$!
      server_port=$KNOT_PORT
      ;;
    gdnsd)
      taskset -c "$SERVER_CPU" "$GDNSD" -c "$tmp/gdnsd" start >"$tmp/gdnsd.log" 2>&1 &
      server_pid=$!
      server_port=$GDNSD_PORT
      ;;
    *) echo "dns-throughput: unknown server '$1' (baton, baton-native, either with -timed or -micrometer and then -shipped, knot or gdnsd)" >&2; exit 2 ;;
  esac
  started_pids+=("$server_pid")
  if ! wait_until_answering "$server_port" "$server_pid" "$1"; then
    cat "$tmp/$1.log" >&2 || true
    exit 1
  fi
}

# ---- the runs ----
results="$tmp/results.tsv" # server qps answered us_per_query
: >"$results"
echo "Machine: $(nproc) cores online, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), kernel $(uname -r)"
echo "JDK: $(java -version 2>&1 | head -1); load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "Servers on core $SERVER_CPU, dnsperf on core $CLIENT_CPU; $DURATION s per measurement after $WARMUP s warm-up;" \
  "dnsperf -c $CLIENTS -q $OUTSTANDING$( ((MAX_QPS > 0)) && echo " -Q $MAX_QPS"); $UDP_THREADS UDP worker thread(s) per server;" \
  "baton-native batch $UDP_BATCH;" \
  "$SERVICES A queries round-robin."
for ((run = 1; run <= RUNS; run++)); do
  echo
  echo "Run $run of $RUNS (load average $(cut -d' ' -f1-3 /proc/loadavg))"
  echo
  echo "| server | queries/s | answered | CPU µs per answered query | of which user | of which system |"
  echo "|---|---:|---:|---:|---:|---:|"
  for server in $SERVERS; do
    start_server "$server"
    run_dnsperf "$server_port" "$WARMUP" >/dev/null
    read -r user_before sys_before <<<"$(cpu_ticks "$server_pid")"
    out=$(run_dnsperf "$server_port" "$DURATION")
    read -r user_after sys_after <<<"$(cpu_ticks "$server_pid")"
    stop_server "$server_pid"
    answered=$(awk '/Queries completed:/ {print $3}' <<<"$out")
    qps=$(awk '/Queries per second:/ {printf "%.0f", $4}' <<<"$out")
    if [[ -z "$answered" || -z "$qps" ]]; then
      echo "dns-throughput: could not read dnsperf's output for $server:" >&2
      echo "$out" >&2
      exit 1
    fi
    per_query() { awk -v t="$1" -v hz="$clk_tck" -v n="$answered" 'BEGIN { if (n > 0) printf "%.2f", t / hz * 1e6 / n; else print "n/a" }'; }
    us=$(per_query $((user_after - user_before + sys_after - sys_before)))
    user_us=$(per_query $((user_after - user_before)))
    sys_us=$(per_query $((sys_after - sys_before)))
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$server" "$qps" "$answered" "$us" "$user_us" "$sys_us" >>"$results"
    echo "| $server | $qps | $answered | $us | $user_us | $sys_us |"
  done
done

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.2f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
echo
echo "Medians over $RUNS run(s) (load average at the end: $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| server | queries/s | answered | CPU µs per answered query | of which user | of which system |"
echo "|---|---:|---:|---:|---:|---:|"
for server in $SERVERS; do
  col() { awk -F'\t' -v s="$server" -v c="$1" '$1 == s { print $c }' "$results" | median; }
  echo "| $server | $(col 2) | $(col 3) | $(col 4) | $(col 5) | $(col 6) |"
done
