# The 'bench' command of scripts/tugboat, sourced by it: runs io.tugboat.bench.Bench against the running
# instance, then the phases only the launcher can do (heap after a full GC via jcmd, time to serve again
# after a restart) and prints one table. Uses the launcher's functions and variables (DATA, PID, JAVA, JAR,
# curl_api, find_instance, ...). Portable to bash 3.2 like the launcher.
# shellcheck shell=bash

# Milliseconds since the epoch (date +%s%N where it works; BSD date has no %N).
now_ms() {
  local ns
  ns=$(date +%s%N)
  case "$ns" in
    *[!0-9]*) perl -MTime::HiRes=time -e 'printf "%d\n", time() * 1000' ;;
    *) echo $((ns / 1000000)) ;;
  esac
}

# jcmd next to the java in use.
jcmd_tool() {
  if [ -n "${JAVA_HOME:-}" ]; then echo "$JAVA_HOME/bin/jcmd"; else echo jcmd; fi
}

# Lists the bench's ConfigMaps in namespace $2 on port $1 into file $3; prints the HTTP code (000: no answer).
bench_list() {
  curl_api -s --max-time 30 --cacert "$DATA/pki/ca.crt" -o "$3" -w '%{http_code}' \
    "https://127.0.0.1:$1/api/v1/namespaces/$2/configmaps" 2>/dev/null || true
}

# How many of the bench's ConfigMaps (named bench-cm-N) a list response in file $1 holds.
bench_items() {
  { grep -o '"name":"bench-cm-[0-9]*"' "$1" || true; } | wc -l | tr -d ' '
}

# Appends a figure to the results file: phase, metric, value, target, verdict.
bench_row() {
  printf 'row\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$4" "$5" >>"$BENCH_RESULTS"
}

bench_fact() {
  printf 'fact\t%s\t%s\n' "$1" "$2" >>"$BENCH_RESULTS"
}

# Server heap after a full GC, from jcmd GC.run + GC.heap_info (used, summed over the heap's spaces).
bench_heap() {
  local pid="$1" jcmd info used_k total_k
  jcmd=$(jcmd_tool)
  if ! have "$jcmd"; then
    bench_row heap "used after full GC" "jcmd not found" "<= 512 MiB" "not measured"
    return 1
  fi
  echo "bench: heap (jcmd $pid GC.run, GC.heap_info) ..." >&2
  "$jcmd" "$pid" GC.run >/dev/null
  info=$("$jcmd" "$pid" GC.heap_info)
  used_k=$(echo "$info" | awk '/total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { print s + 0 }')
  total_k=$(echo "$info" | awk '/total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
    for (i = 1; i <= NF; i++) if ($i == "total") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { print s + 0 }')
  if [ "$used_k" -le 0 ]; then
    bench_row heap "used after full GC" "could not read GC.heap_info" "<= 512 MiB" "not measured"
    return 1
  fi
  local used_mib=$((used_k / 1024)) verdict=met
  [ "$used_mib" -le 512 ] || verdict=MISSED
  bench_row heap "used after full GC" "$used_mib MiB" "<= 512 MiB" "$verdict"
  bench_row heap "committed" "$((total_k / 1024)) MiB" "" ""
}

# Used heap in KiB of process $1 after a full GC (0 when jcmd cannot tell).
bench_heap_used_k() {
  local jcmd
  jcmd=$(jcmd_tool)
  have "$jcmd" || { echo 0; return; }
  "$jcmd" "$1" GC.run >/dev/null 2>&1 || true
  "$jcmd" "$1" GC.heap_info 2>/dev/null | awk '/total [0-9]+K, used [0-9]+K/ && !/Metaspace|class space/ {
    for (i = 1; i <= NF; i++) if ($i == "used") { v = $(i + 1); sub(/K.*/, "", v); s += v } } END { print s + 0 }'
}

# The node agent's memory per running pod: heap after a full GC with the startup phase's $5 pods running, less
# the heap before them ($2 KiB), divided by the pods; then deletes the startup namespace $4 (API port $3).
bench_pod_overhead() {
  local pid="$1" before="$2" port="$3" ns="$4" pods="$5" after
  after=$(bench_heap_used_k "$pid")
  if [ "${before:-0}" -le 0 ] || [ "${after:-0}" -le 0 ]; then
    bench_row startup "agent heap per pod" "jcmd could not read the heap" "" "not measured"
  else
    bench_row startup "agent heap per pod" "$(( (after - before) / pods )) KiB (heap $((before / 1024)) -> $((after / 1024)) MiB)" "" ""
  fi
  curl_api -s --max-time 30 --cacert "$DATA/pki/ca.crt" -X DELETE -o /dev/null \
    "https://127.0.0.1:$port/api/v1/namespaces/$ns" 2>/dev/null || true
}

# Stops the cluster and starts it again (no build, the JVM options $3 it ran with), timing from the start
# of 'up' to the first list of namespace $2 that holds all the bench's ConfigMaps it held before.
bench_restart() {
  local port="$1" ns="$2" java_opts="$3" body done_file expected code t0 t1 up_ms up_pid up_status deadline
  body=$(mktemp "${TMPDIR:-/tmp}/tugboat-bench-list.XXXXXX")
  code=$(bench_list "$port" "$ns" "$body")
  expected=$(bench_items "$body")
  if [ "$code" != 200 ] || [ "$expected" -eq 0 ]; then
    rm -f "$body"
    bench_row restart "serving again" "no bench ConfigMaps in $ns (HTTP $code)" "<= 10 s" "not measured"
    return 1
  fi
  echo "bench: restart with $expected ConfigMaps (down, then up without a build) ..." >&2
  "$SCRIPT_DIR/tugboat" down --data "$DATA" >/dev/null
  done_file="$body.up"
  t0=$(now_ms)
  # 'up' notes when it returned (it waits for /readyz), for comparison with the first full list.
  (
    s=0
    TUGBOAT_NO_BUILD=1 TUGBOAT_JAVA_OPTS="$java_opts" "$SCRIPT_DIR/tugboat" up --data "$DATA" --port "$port" >"$DATA/bench-up.log" 2>&1 || s=$?
    echo "$s $(now_ms)" >"$done_file"
  ) &
  up_pid=$!
  deadline=$((SECONDS + 120))
  t1=""
  while [ "$SECONDS" -lt "$deadline" ]; do
    code=$(bench_list "$port" "$ns" "$body")
    if [ "$code" = 200 ] && [ "$(bench_items "$body")" -eq "$expected" ]; then
      t1=$(now_ms)
      break
    fi
    # A failed 'up' has stopped the server already: no point in waiting longer.
    if [ -s "$done_file" ] && [ "$(cut -d' ' -f1 "$done_file")" != 0 ]; then
      break
    fi
    sleep 0.1
  done
  wait "$up_pid" || true
  up_status=$(cut -d' ' -f1 "$done_file" 2>/dev/null || echo 1)
  up_ms=$(($(cut -d' ' -f2 "$done_file" 2>/dev/null || now_ms) - t0))
  rm -f "$body" "$done_file"
  if [ "$up_status" != 0 ]; then
    cat "$DATA/bench-up.log" >&2
    bench_row restart "serving again" "'up' failed (status $up_status)" "<= 10 s" "MISSED"
    return 1
  fi
  if [ -z "$t1" ]; then
    bench_row restart "serving again" "no full list within 120 s" "<= 10 s" "MISSED"
    return 1
  fi
  local ms=$((t1 - t0)) verdict=met
  [ "$ms" -le 10000 ] || verdict=MISSED
  bench_row restart "objects present" "$expected ConfigMaps" "" ""
  bench_row restart "up to first full list" "$(awk -v m="$ms" 'BEGIN { printf "%.2f", m / 1000 }') s" "<= 10 s" "$verdict"
  bench_row restart "'up' returned (readyz)" "$(awk -v m="$up_ms" 'BEGIN { printf "%.2f", m / 1000 }') s" "" ""
}

cmd_bench() {
  local data="./data" phases="creates,gets,list,heap,restart" count="" clients="" ns="" markdown="" startup_pods=""
  local replicas=""
  while [ $# -gt 0 ]; do
    case "$1" in
      --data) [ $# -ge 2 ] || bad_usage "--data needs a directory"; data="$2"; shift 2 ;;
      --data=*) data="${1#*=}"; shift ;;
      --phases) [ $# -ge 2 ] || bad_usage "--phases needs a list"; phases="$2"; shift 2 ;;
      --phases=*) phases="${1#*=}"; shift ;;
      --count) [ $# -ge 2 ] || bad_usage "--count needs a number"; count="$2"; shift 2 ;;
      --count=*) count="${1#*=}"; shift ;;
      --clients) [ $# -ge 2 ] || bad_usage "--clients needs a number"; clients="$2"; shift 2 ;;
      --clients=*) clients="${1#*=}"; shift ;;
      -n | --namespace) [ $# -ge 2 ] || bad_usage "$1 needs a namespace"; ns="$2"; shift 2 ;;
      --namespace=*) ns="${1#*=}"; shift ;;
      --markdown) [ $# -ge 2 ] || bad_usage "--markdown needs a file"; markdown="$2"; shift 2 ;;
      --markdown=*) markdown="${1#*=}"; shift ;;
      --startup-pods) [ $# -ge 2 ] || bad_usage "--startup-pods needs a number"; startup_pods="$2"; shift 2 ;;
      --startup-pods=*) startup_pods="${1#*=}"; shift ;;
      --replicas) [ $# -ge 2 ] || bad_usage "--replicas needs a number"; replicas="$2"; shift 2 ;;
      --replicas=*) replicas="${1#*=}"; shift ;;
      *) bad_usage "bench: unknown option '$1'" ;;
    esac
  done
  local java_phases="" p want_heap=0 want_restart=0 want_startup=0
  for p in $(echo "$phases" | tr ',' ' '); do
    case "$p" in
      creates | gets | list | jobs) java_phases="${java_phases:+$java_phases,}$p" ;;
      startup) java_phases="${java_phases:+$java_phases,}$p"; want_startup=1 ;;
      deployment) java_phases="${java_phases:+$java_phases,}$p" ;;
      heap) want_heap=1 ;;
      restart) want_restart=1 ;;
      *) bad_usage "bench: unknown phase '$p'; phases are creates,gets,list,heap,restart,startup,deployment,jobs" ;;
    esac
  done
  resolve_data_dir "$data" 0
  [ -d "$DATA" ] || die "no data directory $DATA; start a cluster with '$PROG up --data $data'"
  find_instance
  [ -n "$PID" ] || die "tugboat is not running for $DATA; start it with '$PROG up --data $data'"
  require_java
  require_tool curl "install curl"
  [ -f "$JAR" ] || die "$JAR is missing; run 'mvn -B -DskipTests package'"
  [ -n "$ns" ] || ns="bench-$(date +%s)"
  local port status=0 server_args gc
  port=$(instance_port)

  BENCH_RESULTS=$(mktemp "${TMPDIR:-/tmp}/tugboat-bench.XXXXXX")
  # shellcheck disable=SC2064 # expand now: the path is fixed
  trap "rm -f '$BENCH_RESULTS'" EXIT
  # The server's settings, as facts: its JVM options, collector, and the journal as configured.
  server_args=$(ps -p "$PID" -o args= 2>/dev/null | sed -e 's/ -jar .*//' -e 's/^[^ ]* *//')
  gc=$("$(jcmd_tool)" "$PID" VM.flags 2>/dev/null | tr ' ' '\n' | grep -E '^-XX:\+Use[A-Za-z0-9]*GC$' | head -n 1 || true)

  local args
  args=(--server "https://127.0.0.1:$port" --token-file "$DATA/pki/tokens.csv" --ca-file "$DATA/pki/ca.crt"
    --namespace "$ns" --results "$BENCH_RESULTS"
    --fact "server JVM options=${server_args:-(none)} ${gc:+($gc)}"
    --fact "journal=LevelDB (leveldbjni), fsync on, as in persistence.conf unless the options above override it")
  [ "$want_heap$want_restart" = 00 ] ||
    args+=(--fact "launcher phases=$( [ "$want_heap" = 0 ] || printf 'heap '; [ "$want_restart" = 0 ] || printf restart)")
  [ -z "$count" ] || args+=(--count "$count")
  [ -z "$clients" ] || args+=(--clients "$clients")
  [ -z "$startup_pods" ] || args+=(--startup-pods "$startup_pods")
  [ -z "$replicas" ] || args+=(--deployment-replicas "$replicas")
  local heap_before=""
  [ "$want_startup" = 0 ] || heap_before=$(bench_heap_used_k "$PID")
  # The Java phases print their own table too; the one printed at the end has everything.
  "$JAVA" -cp "$JAR" io.tugboat.bench.Bench "${args[@]}" --phases "${java_phases:-none}" >/dev/null || status=$?
  if [ "$want_startup" = 1 ]; then
    bench_pod_overhead "$PID" "$heap_before" "$port" "$ns" "${startup_pods:-200}" || status=1
  fi
  if [ "$want_heap" = 1 ]; then
    bench_heap "$PID" || status=1
  fi
  if [ "$want_restart" = 1 ]; then
    bench_restart "$port" "$ns" "$server_args" || status=1
  fi
  bench_fact "load average (after all phases)" "$(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || uptime | sed 's/.*load averages*: //')"
  echo
  if [ -n "$markdown" ]; then
    "$JAVA" -cp "$JAR" io.tugboat.bench.Bench --report "$BENCH_RESULTS" --markdown "$markdown"
  else
    "$JAVA" -cp "$JAR" io.tugboat.bench.Bench --report "$BENCH_RESULTS"
  fi
  return "$status"
}
