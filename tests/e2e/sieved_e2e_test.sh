#!/usr/bin/env bash
# End to end: sieved as a process against sieve-kafka-dev (a separate broker process),
# records produced by kcat, a real prometheus server scraping sieved.
#
#   sieved_e2e_test.sh SIEVED SIEVE_KAFKA_DEV SIEVE_GENERATE
#
# Checks, in order: planted features selected within the schedule and within budgets;
# prometheus' query API sees sieve_records_consumed_total > 0 and the active version;
# drift (the planted features change) gives an active version with the new ones within
# two scheduler periods; 401 without token, 400 problem+json on malformed JSON;
# SIGHUP with a broken config keeps the old one and shows the failure in /metrics;
# kill -9 during ingest and during training, then restart: every version intact, no
# record lost; SIGTERM exits 0 within the shutdown timeout.
set -euo pipefail

SIEVED=$1 KAFKA_DEV=$2 GENERATE=$3
work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; echo "--- sieved log (tail) ---" >&2; tail -30 "$work"/sieved*.log >&2 || true; exit 1; }
step() { echo "== $* ($(date +%T))"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_until SECONDS COMMAND...: polls COMMAND every 0.2 s.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    [[ $SECONDS -lt $deadline ]] || return 1
    sleep 0.2
  done
}

export OMP_NUM_THREADS=1
port=$(free_port)
prom_port=$(free_port)
api="http://127.0.0.1:$port"
token=e2e-token
echo "$token" > "$work/token"

step "broker"
"$KAFKA_DEV" --wait-for-signal --bootstrap-file "$work/bootstrap" \
  --topic ctr-events:2 --topic sieve-feature-sets:1 --topic sieve-dead-letter:1 > "$work/kafka.log" 2>&1 &
pids+=($!)
wait_until 20 test -s "$work/bootstrap" || fail "sieve-kafka-dev did not start"
bootstrap=$(cat "$work/bootstrap")

write_config() {
  cat > "$work/sieve.yaml" <<YAML
daemon:
  data_dir: $work/data
  http: {listen: "127.0.0.1:$port"}
  admin_token_file: $work/token
  log: {level: info, format: json}
  training_threads: 1
  shutdown_timeout: 8s
kafka:
  bootstrap_servers: $bootstrap
  group_id: sieve-e2e
  dead_letter_topic: sieve-dead-letter
  # A killed consumer's partitions are reassigned after the session timeout.
  properties: {session.timeout.ms: "6000", heartbeat.interval.ms: "1000"}
pipelines:
  - name: ctr
    topic: ctr-events
    label: {field: clicked, task: classification}
    features:
      - {name: device, kind: categorical, buckets: 16, embedding_dim: 4, costs: {latency_us: 30}}
      - {name: hour_of_day, costs: {latency_us: 5}}
      - {name: ad_position, costs: {latency_us: 5}}
      - {name: user_age, costs: {latency_us: 5}}
      - {name: user_ctr_7d, costs: {latency_us: 20}}
      - {name: ad_ctr_7d, costs: {latency_us: 20}}
      - {name: page_load_ms, costs: {latency_us: 10}}
      - {name: noise_1, costs: {latency_us: 5}}
      - {name: noise_2, costs: {latency_us: 5}}
    selector: {k: 3, hidden_units: [32], steps_per_round: 1000, seed: 5, cost_exponent: 0}
    constraints: {budgets: {latency_us: 80}}
    window: {size: 6000, validation_fraction: 0.25}
    schedule: {every_records: 3000, every: 20s, min_records: 3500}
    promotion: {max_regression: 0.01}
    publish: {topic: sieve-feature-sets}
YAML
}
write_config

start_sieved() {
  "$SIEVED" --config "$work/sieve.yaml" >> "$work/sieved.log" 2>&1 &
  sieved_pid=$!
  pids+=($sieved_pid)
  wait_until 60 curl -sf "$api/readyz" -o /dev/null || fail "sieved not ready"
}
produce() {  # produce COUNT SEED [extra generator flags]
  local count=$1 seed=$2; shift 2
  "$GENERATE" --count "$count" --seed "$seed" "$@" | kcat -P -b "$bootstrap" -t ctr-events
}
pipeline() { curl -sf "$api/v1/pipelines/ctr"; }
active_features() { curl -sf "$api/v1/pipelines/ctr/versions/active" | jq -r '[.features[].name] | sort | join(",")'; }
offsets_sum() { pipeline | jq '[.offsets[].next_offset] | add // 0'; }

step "start sieved, produce 4000 records with planted features user_ctr_7d, ad_position, device"
start_sieved
produce 4000 1
wait_until 90 bash -c "[[ \$(curl -sf $api/v1/pipelines/ctr | jq .active_version) -ge 1 ]]" \
  || fail "no active version within 90 s"
[[ $(active_features) == "ad_position,device,user_ctr_7d" ]] || fail "planted features not selected: $(active_features)"
used=$(curl -sf "$api/v1/pipelines/ctr/versions/active" | jq '.budgets.latency_us.used')
jq -e -n "$used <= 80" > /dev/null || fail "latency budget exceeded: $used"
echo "selected $(active_features), latency_us used $used of 80"

step "prometheus scrapes sieved"
cat > "$work/prometheus.yml" <<YAML
global: {scrape_interval: 1s, evaluation_interval: 1s}
scrape_configs:
  - job_name: sieved
    static_configs: [{targets: ["127.0.0.1:$port"]}]
YAML
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/prom" \
  --web.listen-address="127.0.0.1:$prom_port" > "$work/prometheus.log" 2>&1 &
pids+=($!)
prom_value() {
  curl -sf "http://127.0.0.1:$prom_port/api/v1/query" --data-urlencode "query=$1" \
    | jq -r '.data.result[0].value[1] // "0"'
}
wait_until 60 bash -c "[[ \$(curl -sf http://127.0.0.1:$prom_port/api/v1/query --data-urlencode 'query=sieve_records_consumed_total' | jq -r '.data.result[0].value[1] // \"0\"') -gt 0 ]]" \
  || fail "prometheus never saw sieve_records_consumed_total > 0"
echo "prometheus: sieve_records_consumed_total=$(prom_value sieve_records_consumed_total) sieve_active_version=$(prom_value sieve_active_version)"
[[ $(prom_value sieve_active_version) -ge 1 ]] || fail "prometheus does not see the active version"

step "drift: the planted features change (ad_ctr_7d, page_load_ms, hour_of_day)"
produce 6000 2 --drift-after 1
wait_until 120 bash -c "[[ \$(curl -sf $api/v1/pipelines/ctr/versions/active | jq -r '[.features[].name] | sort | join(\",\")') == ad_ctr_7d,hour_of_day,page_load_ms ]]" \
  || fail "no active version with the new planted features after two periods: $(active_features)"
echo "after drift: $(active_features) (active v$(pipeline | jq .active_version))"

step "the active version is published to the compacted topic"
published_version() {
  kcat -C -b "$bootstrap" -t sieve-feature-sets -o -1 -e -q -f '%k\t%s\n' 2>/dev/null | tail -1
}
check_published() {
  local line active
  line=$(published_version)
  active=$(curl -sf "$api/v1/pipelines/ctr" | jq .active_version)
  [[ ${line%%$'\t'*} == ctr ]] && [[ $(jq .version <<< "${line#*$'\t'}") == "$active" ]]
}
wait_until 30 check_published || fail "published: '$(published_version | cut -c1-120)'"
echo "published: key ctr, version $(published_version | cut -f2 | jq .version)"

step "a malformed record is dead-lettered and counted by reason"
echo '{"clicked": 1,' | kcat -P -b "$bootstrap" -t ctr-events
wait_until 30 bash -c "curl -sf $api/metrics | grep -q '^sieve_records_dead_lettered_total{pipeline=\"ctr\",reason=\"malformed\"} 1'" \
  || fail "dead-letter not counted: $(curl -sf $api/metrics | grep dead_lettered | head -3)"
[[ $(kcat -C -b "$bootstrap" -t sieve-dead-letter -o beginning -e -q | head -1) == '{"clicked": 1,' ]] \
  || fail "the raw bytes are not on the dead-letter topic"

step "API: 401 without token, 400 problem+json on malformed JSON"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "$api/v1/pipelines/ctr/retrain")
[[ $code == 401 ]] || fail "retrain without token gave $code"
out=$(curl -s -w '\n%{http_code} %{content_type}' -X POST -H "Authorization: Bearer $token" \
  -d '{"version": ' "$api/v1/pipelines/ctr/promote")
[[ $(tail -1 <<< "$out") == "400 application/problem+json" ]] || fail "malformed JSON gave: $out"
curl -sf "$api/healthz" > /dev/null || fail "daemon stopped serving"

step "SIGHUP with a broken config"
cp "$work/sieve.yaml" "$work/good.yaml"
echo "    not_a_key: 1" >> "$work/sieve.yaml"
kill -HUP "$sieved_pid"
wait_until 20 bash -c "curl -sf $api/metrics | grep -q '^sieve_config_reload_success 0'" \
  || fail "reload failure not visible in /metrics"
kill -0 "$sieved_pid" || fail "sieved died on SIGHUP"
grep -q "not_a_key" "$work/sieved.log" || fail "reload error not logged"
curl -sf "$api/v1/pipelines/ctr" > /dev/null || fail "API down after failed reload"
cp "$work/good.yaml" "$work/sieve.yaml"

step "kill -9 during ingest"
versions_before=$(curl -sf "$api/v1/pipelines/ctr/versions?limit=1000" | jq -c '.versions')
produce 6000 3 --drift-after 1 --rate 3000 &
producer=$!
wait_until 20 bash -c "[[ \$(curl -sf $api/v1/pipelines/ctr | jq .records_ingested) -gt 0 ]]" || true
sleep 0.5
kill -9 "$sieved_pid"
wait "$producer"
start_sieved
wait_until 60 bash -c "[[ \$(curl -sf $api/v1/pipelines/ctr | jq '[.offsets[].next_offset] | add') -eq 16001 ]]" \
  || fail "records lost: offsets cover $(offsets_sum) of 16001 produced"
versions_after=$(curl -sf "$api/v1/pipelines/ctr/versions?limit=1000" | jq -c '.versions')
n_before=$(jq length <<< "$versions_before")
jq -e --argjson before "$versions_before" '.[-($before|length):] == $before' <<< "$versions_after" > /dev/null \
  || fail "versions changed across kill -9"
echo "all $n_before versions intact; offsets cover 16001 records; $(pipeline | jq .records_skipped_as_duplicates) redelivered records skipped"

step "kill -9 during training"
versions_before=$(curl -sf "$api/v1/pipelines/ctr/versions?limit=1000" | jq -c '.versions')
curl -sf -X POST -H "Authorization: Bearer $token" "$api/v1/pipelines/ctr/retrain" > /dev/null
# Poll without pause: a training lasts about a second.
tries=0
until [[ $(curl -sf "$api/v1/pipelines/ctr" | jq .training) == true ]]; do
  tries=$((tries + 1)); [[ $tries -lt 3000 ]] || fail "retrain did not start"
done
kill -9 "$sieved_pid"
start_sieved
versions_after=$(curl -sf "$api/v1/pipelines/ctr/versions?limit=1000" | jq -c '.versions')
jq -e --argjson before "$versions_before" '.[-($before|length):] == $before' <<< "$versions_after" > /dev/null \
  || fail "versions changed across kill -9 during training"
[[ $(offsets_sum) -eq 16001 ]] || fail "offsets moved: $(offsets_sum)"
produce 500 4 --drift-after 1
wait_until 30 bash -c "[[ \$(curl -sf $api/v1/pipelines/ctr | jq '[.offsets[].next_offset] | add') -eq 16501 ]]" \
  || fail "consumption did not resume after restart: $(offsets_sum)"
echo "versions intact, consumption resumed ($(offsets_sum) records)"

step "SIGTERM exits 0 within the shutdown timeout"
start=$SECONDS
kill -TERM "$sieved_pid"
status=0
wait "$sieved_pid" || status=$?
elapsed=$((SECONDS - start))
[[ $status -eq 0 ]] || fail "sieved exited $status on SIGTERM"
[[ $elapsed -le 9 ]] || fail "SIGTERM took ${elapsed}s (timeout 8s)"
echo "stopped in ${elapsed}s with status 0"
echo "PASS"
